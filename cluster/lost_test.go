package cluster

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/nats-io/nats.go"

	"ecouter/article"
	"ecouter/cluster/natstest"
	"ecouter/jobs"
	"ecouter/render"
)

// longID is the ID of issue 19: its lease subject passed the server's
// 4 KiB control-line limit, and the server closed the connection.
var longID = strings.Repeat("a", 4100)

// TestHostileIDsKeepConnection: IDs that cannot name an article (too
// long, a wildcard, a dot) never become a subject: the connection stays
// up and the node keeps rendering, on an embedded server and on a
// nats-server process of its own.
func TestHostileIDsKeepConnection(t *testing.T) {
	onBothServers(t, func(t *testing.T, start func(*testing.T) *Node) {
		n := start(t)
		s := newScheduler(t, n, 2)
		q, err := NewQueue(context.Background(), n, QueueConfig{}, quiet)
		if err != nil {
			t.Fatal(err)
		}
		ctx := context.Background()
		for _, id := range []string{longID, "a.*", ">", "a b", "a.b"} {
			if s.Rendering(id) {
				t.Errorf("Rendering(%.20q) = true", id)
			}
			if _, err := s.Start(ctx, render.Request{ID: id, Key: "k"}); !errors.Is(err, article.ErrInvalidID) {
				t.Errorf("Start(%.20q): %.120v, want ErrInvalidID", id, err)
			}
			if _, err := s.Start(ctx, render.Request{ID: "ok", Key: id}); !errors.Is(err, article.ErrInvalidID) {
				t.Errorf("Start with key %.20q: %.120v, want ErrInvalidID", id, err)
			}
			if err := q.Enqueue(ctx, jobs.Job{ID: id, Key: "k"}); !errors.Is(err, article.ErrInvalidID) {
				t.Errorf("Enqueue(%.20q): %.120v, want ErrInvalidID", id, err)
			}
			if err := s.ClearFinished(ctx, id, ""); !errors.Is(err, article.ErrInvalidID) {
				t.Errorf("ClearFinished(%.20q): %.120v, want ErrInvalidID", id, err)
			}
		}
		// A round trip: the server has read (and would have answered
		// with an error) everything sent before it.
		if err := n.nc.FlushTimeout(10 * time.Second); err != nil {
			t.Fatalf("flush: %v", err)
		}
		if st := n.nc.Status(); st != nats.CONNECTED {
			t.Fatalf("NATS %v after hostile IDs", st)
		}
		if err := n.Alive(ctx); err != nil {
			t.Fatalf("Alive: %v", err)
		}
		// The node still renders and queues.
		job, err := s.Start(ctx, render.Request{ID: "ok", Key: "k", Render: func(context.Context, *render.Stream) (*render.Manifest, error) {
			return &render.Manifest{ID: "ok", Key: "k"}, nil
		}})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := job.Wait(ctx); err != nil {
			t.Fatal(err)
		}
		if err := q.Enqueue(ctx, jobs.Job{ID: "ok", Key: "k"}); err != nil {
			t.Fatal(err)
		}
	})
}

// TestLostConnectionIsReported: a connection the server closes for good
// (here over a control line past its limit, as issue 19's ID did) is
// reported by Lost and Alive, so the process is restarted rather than
// left serving with no NATS; Close itself is not a loss.
func TestLostConnectionIsReported(t *testing.T) {
	onBothServers(t, func(t *testing.T, start func(*testing.T) *Node) {
		n := start(t)
		if err := n.nc.Publish(longID, nil); err != nil {
			t.Fatal(err)
		}
		select {
		case <-n.Lost():
		case <-time.After(60 * time.Second):
			t.Fatalf("connection %v, not reported lost after 60 s", n.nc.Status())
		}
		if err := n.Alive(context.Background()); !errors.Is(err, ErrLost) {
			t.Fatalf("Alive: %v, want ErrLost", err)
		}

		other := start(t)
		other.Close()
		if err := other.Alive(context.Background()); err != nil {
			t.Fatalf("Alive after Close: %v", err)
		}
	})
}

// processNode starts a node on a nats-server process of its own.
func processNode(t *testing.T) *Node {
	t.Helper()
	n, err := Start(context.Background(), Config{URL: natstest.Process(t), LeaseTTL: testLease}, quiet)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(n.Close)
	return n
}

// onBothServers runs fn, as subtests, with nodes of an embedded server and
// with nodes of a nats-server process.
func onBothServers(t *testing.T, fn func(t *testing.T, start func(*testing.T) *Node)) {
	for _, tc := range []struct {
		name  string
		start func(t *testing.T) *Node
	}{
		{"embedded", embeddedNode},
		{"process", processNode},
	} {
		t.Run(tc.name, func(t *testing.T) { fn(t, tc.start) })
	}
}
