// Package natstest starts real NATS servers for tests: a cluster of
// JetStream nodes in-process, listening on loopback.
package natstest

import (
	"context"
	"fmt"
	"net"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/nats-io/nats-server/v2/server"
	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"ecouter/internal/testwait"
)

// Cluster is n NATS servers forming one JetStream cluster.
type Cluster struct {
	Servers []*server.Server
	URLs    []string // each server's client URL
	opts    []*server.Options
	log     *testLog
}

// URL is every server's client URL, as ECOUTER_NATS_URL takes them.
func (c *Cluster) URL() string { return strings.Join(c.URLs, ",") }

// Start starts an n-node cluster (one standalone server for n = 1),
// stopped when the test ends, and waits until JetStream has a leader.
func Start(t testing.TB, n int) *Cluster {
	t.Helper()
	ports := freePorts(t, 2*n)
	var routes []string
	for i := range n {
		routes = append(routes, fmt.Sprintf("nats://127.0.0.1:%d", ports[n+i]))
	}
	c := &Cluster{log: &testLog{t: t}}
	dir := t.TempDir()
	for i := range n {
		o := &server.Options{
			ServerName: fmt.Sprintf("n%d", i+1), Host: "127.0.0.1", Port: ports[i],
			JetStream: true, StoreDir: filepath.Join(dir, fmt.Sprintf("n%d", i+1)),
			Cluster: server.ClusterOpts{Name: "ecouter-test", Host: "127.0.0.1", Port: ports[n+i]},
			Routes:  server.RoutesFromStr(strings.Join(routes, ",")),
			NoSigs:  true, NoLog: true,
		}
		if n == 1 { // one server: JetStream standalone, not a cluster of one
			o.Cluster, o.Routes = server.ClusterOpts{}, nil
		}
		c.opts = append(c.opts, o)
		c.URLs = append(c.URLs, fmt.Sprintf("nats://127.0.0.1:%d", ports[i]))
		c.Servers = append(c.Servers, nil)
		c.Restart(t, i)
	}
	t.Cleanup(func() {
		c.log.stop()
		for _, s := range c.Servers {
			if s != nil {
				s.Shutdown()
				s.WaitForShutdown()
			}
		}
	})
	c.waitJetStream(t)
	return c
}

// Stop stops server i (a node going away).
func (c *Cluster) Stop(i int) {
	c.Servers[i].Shutdown()
	c.Servers[i].WaitForShutdown()
}

// Restart starts server i again with its storage.
func (c *Cluster) Restart(t testing.TB, i int) {
	t.Helper()
	s, err := server.NewServer(c.opts[i])
	if err != nil {
		t.Fatal(err)
	}
	s.SetLoggerV2(c.log.server(c.opts[i].ServerName), false, false, false)
	s.Start()
	if !s.ReadyForConnections(testwait.Scale(testwait.Timeout)) {
		t.Fatalf("NATS server %d not ready", i+1)
	}
	c.Servers[i] = s
}

// waitJetStream waits until a replicated stream can be created.
func (c *Cluster) waitJetStream(t testing.TB) {
	t.Helper()
	nc, err := nats.Connect(c.URL())
	if err != nil {
		t.Fatal(err)
	}
	defer nc.Close()
	js, err := jetstream.New(nc)
	if err != nil {
		t.Fatal(err)
	}
	var last error
	testwait.Eventually(t, func() bool {
		ctx, cancel := context.WithTimeout(context.Background(), testwait.Scale(2*time.Second))
		defer cancel()
		_, last = js.CreateOrUpdateStream(ctx, jetstream.StreamConfig{Name: "natstest_ready", Replicas: len(c.URLs), Subjects: []string{"natstest.ready"}})
		if last == nil {
			last = js.DeleteStream(ctx, "natstest_ready")
		}
		return last == nil
	}, "a JetStream leader in the NATS cluster (last error: %v)", &last)
}

func freePorts(t testing.TB, n int) []int {
	t.Helper()
	var ports []int
	var lns []net.Listener
	for range n {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		lns = append(lns, ln)
		ports = append(ports, ln.Addr().(*net.TCPAddr).Port)
	}
	for _, ln := range lns {
		ln.Close()
	}
	return ports
}

// testLog puts the servers' warnings and errors in the test's log, so that a
// failing test shows what the server saw ("error creating store for stream"
// says nothing of why), and nothing once the test has ended.
type testLog struct {
	t    testing.TB
	mu   sync.Mutex
	done bool
}

func (l *testLog) stop() {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.done = true
}

func (l *testLog) logf(name, level, format string, v ...any) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if !l.done {
		l.t.Logf("nats %s %s: %s", name, level, fmt.Sprintf(format, v...))
	}
}

func (l *testLog) server(name string) server.Logger { return serverLog{l, name} }

// serverLog is one server's server.Logger.
type serverLog struct {
	l    *testLog
	name string
}

func (s serverLog) Noticef(string, ...any)         {}
func (s serverLog) Debugf(string, ...any)          {}
func (s serverLog) Tracef(string, ...any)          {}
func (s serverLog) Warnf(format string, v ...any)  { s.l.logf(s.name, "warning", format, v...) }
func (s serverLog) Errorf(format string, v ...any) { s.l.logf(s.name, "error", format, v...) }
func (s serverLog) Fatalf(format string, v ...any) { s.l.logf(s.name, "fatal", format, v...) }
