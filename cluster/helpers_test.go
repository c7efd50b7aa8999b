package cluster

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"sync/atomic"
	"testing"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
	"github.com/nats-io/nuid"

	"ecouter/cluster/natstest"
)

var prefixes atomic.Int64

// quiet is the logger of tests.
var quiet = slog.New(slog.NewTextHandler(io.Discard, nil))

// testLease keeps takeover tests short.
const testLease = time.Second

// embeddedNode starts a node on an embedded server of its own.
func embeddedNode(t *testing.T) *Node {
	t.Helper()
	n, err := Start(context.Background(), Config{Dir: t.TempDir(), LeaseTTL: testLease}, quiet)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(n.Close)
	return n
}

// clusterNodes connects count nodes to the cluster (node i to server i
// mod 3 first), under a prefix of their own so tests do not share state.
func clusterNodes(t *testing.T, c *natstest.Cluster, count int) []*Node {
	t.Helper()
	prefix := fmt.Sprintf("t%d", prefixes.Add(1))
	var nodes []*Node
	for i := range count {
		n, err := Start(context.Background(), Config{
			URL: c.URLs[i%len(c.URLs)], Replicas: len(c.URLs), Prefix: prefix, LeaseTTL: testLease,
		}, quiet)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(n.Close)
		nodes = append(nodes, n)
	}
	return nodes
}

func newScheduler(t *testing.T, n *Node, maxRenders int) *Scheduler {
	t.Helper()
	s, err := NewScheduler(context.Background(), n, maxRenders, quiet)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// inProcess connects another node to first's embedded server.
func inProcess(t *testing.T, first *Node) *Node {
	t.Helper()
	nc, err := nats.Connect("", nats.InProcessServer(first.srv))
	if err != nil {
		t.Fatal(err)
	}
	js, err := jetstream.New(nc)
	if err != nil {
		t.Fatal(err)
	}
	n := &Node{nc: nc, js: js, cfg: first.cfg, id: nuid.Next(), log: quiet}
	t.Cleanup(nc.Close)
	return n
}
