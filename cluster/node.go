// Package cluster coordinates ecouter's nodes through NATS JetStream: one
// render per article and content key across every node (a lease in a
// key-value bucket), the durable render queue, and the events that keep
// every node's caches current. It is the only package that knows NATS.
//
// One machine runs the same code on an embedded single-node server,
// reachable only in-process; several machines connect to a NATS cluster.
package cluster

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/nats-io/nats-server/v2/server"
	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
	"github.com/nats-io/nuid"
)

// Config says which NATS to use.
type Config struct {
	// URL lists an external cluster's servers (nats://a:4222,nats://b:4222);
	// empty: an embedded single-node server storing in Dir.
	URL      string
	Creds    string // NATS credentials file; may be empty
	Dir      string // the embedded server's JetStream storage
	Replicas int    // replicas of every stream and bucket; 0: 1
	// Prefix names the streams, buckets and subjects, so several
	// deployments can share one NATS; empty: "ecouter".
	Prefix string
	// LeaseTTL is how long a render's lease lives without renewal: the
	// time a dead owner's render waits before another node takes it
	// over. 0: DefaultLeaseTTL.
	LeaseTTL time.Duration
}

// DefaultLeaseTTL bounds takeover after a node dies while a renewal every
// third of it survives a few lost messages.
const DefaultLeaseTTL = 10 * time.Second

// DefaultReplicas is one copy of every stream and bucket: right for the
// embedded server; a three-node cluster sets 3.
const DefaultReplicas = 1

// Node is this process's connection to NATS, with the embedded server
// when there is one.
type Node struct {
	nc  *nats.Conn
	js  jetstream.JetStream
	srv *server.Server // nil with an external cluster
	cfg Config
	id  string
	log *slog.Logger

	// lost is closed when the connection closes for good without Close:
	// nats.go reconnects after a network failure, but a connection the
	// server closes over a protocol error stays closed, and the node
	// would serve stored audio but never render again.
	lost      chan struct{}
	lostOnce  sync.Once
	closing   chan struct{} // closed by Close: a closed connection is expected
	closeOnce sync.Once
}

// Start connects to the external cluster, or starts the embedded server
// and connects to it in-process.
func Start(ctx context.Context, cfg Config, log *slog.Logger) (*Node, error) {
	if cfg.Replicas <= 0 {
		cfg.Replicas = 1
	}
	if cfg.Prefix == "" {
		cfg.Prefix = "ecouter"
	}
	if cfg.LeaseTTL <= 0 {
		cfg.LeaseTTL = DefaultLeaseTTL
	}
	host, _ := os.Hostname()
	// The whole NUID: its first 12 characters are the same for every node a
	// process starts (tests run several), which would take one another's
	// events for their own.
	n := &Node{cfg: cfg, id: host + "-" + nuid.Next(), log: log, lost: make(chan struct{}), closing: make(chan struct{})}
	opts := []nats.Option{
		nats.Name("ecouter " + n.id),
		nats.MaxReconnects(-1),
		nats.DisconnectErrHandler(func(_ *nats.Conn, err error) {
			if err != nil {
				log.Warn("NATS disconnected", "err", err)
			}
		}),
		nats.ReconnectHandler(func(c *nats.Conn) { log.Info("NATS reconnected", "server", c.ConnectedUrlRedacted()) }),
		nats.ClosedHandler(n.closed),
	}
	var err error
	if cfg.URL == "" {
		if n.srv, err = embedded(cfg.Dir); err != nil {
			return nil, err
		}
		opts = append(opts, nats.InProcessServer(n.srv))
	} else if cfg.Creds != "" {
		opts = append(opts, nats.UserCredentials(cfg.Creds))
	}
	if n.nc, err = nats.Connect(cfg.URL, opts...); err != nil {
		n.Close()
		return nil, fmt.Errorf("connect to NATS %s: %w", RedactURL(cfg.URL), err)
	}
	if n.js, err = jetstream.New(n.nc); err != nil {
		n.Close()
		return nil, fmt.Errorf("NATS JetStream: %w", err)
	}
	if _, err := n.js.AccountInfo(ctx); err != nil {
		n.Close()
		return nil, fmt.Errorf("NATS JetStream at %s: %w", RedactURL(cfg.URL), err)
	}
	return n, nil
}

// embedded starts a single-node JetStream server that listens on no port:
// only this process reaches it.
func embedded(dir string) (*server.Server, error) {
	srv, err := server.NewServer(&server.Options{
		ServerName: "ecouter", JetStream: true, StoreDir: dir,
		DontListen: true, NoSigs: true, NoLog: true,
	})
	if err != nil {
		return nil, fmt.Errorf("embedded NATS in %s: %w", dir, err)
	}
	srv.Start()
	if !srv.ReadyForConnections(30 * time.Second) {
		srv.Shutdown()
		return nil, fmt.Errorf("embedded NATS in %s: not ready after 30 s", dir)
	}
	return srv, nil
}

// ID names this node in leases and logs.
func (n *Node) ID() string { return n.id }

// Embedded reports whether NATS runs in this process.
func (n *Node) Embedded() bool { return n.srv != nil }

// Ready reports whether NATS answers: /readyz. A node without NATS still
// serves stored audio but starts no render.
func (n *Node) Ready(ctx context.Context) error {
	if s := n.nc.Status(); s != nats.CONNECTED {
		return fmt.Errorf("NATS %s: %w", strings.ToLower(s.String()), ErrUnreachable)
	}
	if _, err := n.js.AccountInfo(ctx); err != nil {
		return fmt.Errorf("NATS JetStream: %w", err)
	}
	return nil
}

// ErrUnreachable means NATS does not answer.
var ErrUnreachable = errors.New("NATS unreachable")

// ErrLost means the connection to NATS closed for good: the process must
// be restarted to render again.
var ErrLost = errors.New("NATS connection closed for good")

// closed is the connection's ClosedHandler.
func (n *Node) closed(c *nats.Conn) {
	select {
	case <-n.closing:
		return
	default:
	}
	n.lostOnce.Do(func() {
		n.log.Error("NATS connection closed and will not reconnect: this node is unhealthy and stops",
			"err", c.LastError())
		close(n.lost)
	})
}

// Lost is closed when the connection to NATS closed for good (not by
// Close): the node can render nothing more until it is restarted.
func (n *Node) Lost() <-chan struct{} { return n.lost }

// Alive reports ErrLost once the connection closed for good: /healthz,
// so that whatever supervises the process restarts it. A connection
// cut but reconnecting is alive (/readyz tells it apart).
func (n *Node) Alive(context.Context) error {
	select {
	case <-n.lost:
		return ErrLost
	default:
		return nil
	}
}

// Close drains the connection and stops the embedded server.
func (n *Node) Close() {
	n.closeOnce.Do(func() { close(n.closing) })
	if n.nc != nil {
		_ = n.nc.Drain()
		n.nc.Close()
	}
	if n.srv != nil {
		n.srv.Shutdown()
		n.srv.WaitForShutdown()
	}
}

// name is a stream or bucket name of this deployment.
func (n *Node) name(s string) string { return n.cfg.Prefix + "_" + s }

// subject is a subject of this deployment.
func (n *Node) subject(s string) string { return n.cfg.Prefix + "." + s }

// RedactURL drops the user info of NATS URLs, for logs and messages.
func RedactURL(urls string) string {
	if urls == "" {
		return "(embedded)"
	}
	var out []string
	for _, u := range strings.Split(urls, ",") {
		u = strings.TrimSpace(u)
		if at := strings.LastIndex(u, "@"); at >= 0 {
			scheme, _, ok := strings.Cut(u, "://")
			if !ok {
				scheme = ""
			} else {
				scheme += "://"
			}
			u = scheme + "***@" + u[at+1:]
		}
		out = append(out, u)
	}
	return strings.Join(out, ",")
}
