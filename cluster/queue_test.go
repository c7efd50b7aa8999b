package cluster

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"ecouter/cluster/natstest"
	"ecouter/internal/testwait"
	"ecouter/jobs"
)

// queueCfg retries fast, and hands a dead node's job on within seconds.
var queueCfg = QueueConfig{Attempts: 3, Backoff: 20 * time.Millisecond, AckWait: 3 * time.Second}

func newQueue(t *testing.T, n *Node) *Queue {
	t.Helper()
	q, err := NewQueue(context.Background(), n, queueCfg, quiet)
	if err != nil {
		t.Fatal(err)
	}
	return q
}

// recorder is a handler counting its calls per article.
type recorder struct {
	mu    sync.Mutex
	calls map[string]int
	fail  func(id string) error
}

func (r *recorder) handle(_ context.Context, j jobs.Job) error {
	r.mu.Lock()
	if r.calls == nil {
		r.calls = map[string]int{}
	}
	r.calls[j.ID]++
	r.mu.Unlock()
	if r.fail != nil {
		return r.fail(j.ID)
	}
	return nil
}

func (r *recorder) count(id string) int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.calls[id]
}

// run consumes q until the test ends.
func run(t *testing.T, q *Queue, free func() int, h jobs.Handler) {
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); q.Run(ctx, 2, free, h) }()
	t.Cleanup(func() { cancel(); <-done })
}

func always() int { return 1 }

// eventually polls the queue's stats until ok.
func eventually(t *testing.T, q *Queue, what string, ok func(jobs.Stats) bool) jobs.Stats {
	t.Helper()
	var last struct {
		st  jobs.Stats
		err error
	}
	testwait.Eventually(t, func() bool {
		last.st, last.err = q.Stats(context.Background())
		return last.err == nil && ok(last.st)
	}, "%s (last stats and error: %+v)", what, &last)
	return last.st
}

func queueContract(t *testing.T, nodes func(t *testing.T, n int) []*Node) {
	t.Run("OnceEachDeduplicated", func(t *testing.T) {
		q := newQueue(t, nodes(t, 1)[0])
		ctx := context.Background()
		for range 3 {
			if err := q.Enqueue(ctx, jobs.Job{ID: "a1", Key: "k"}, jobs.Job{ID: "a2", Key: "k"}); err != nil {
				t.Fatal(err)
			}
		}
		if err := q.Enqueue(ctx, jobs.Job{ID: "a1", Key: "k2"}); err != nil { // changed: a job of its own
			t.Fatal(err)
		}
		// Reverted to k from k2 (or brought back after a withdrawal): the
		// same key from another state is a job of its own too.
		for range 2 {
			if err := q.Enqueue(ctx, jobs.Job{ID: "a1", Key: "k", Since: "from@k2"}); err != nil {
				t.Fatal(err)
			}
		}
		st := eventually(t, q, "four queued", func(st jobs.Stats) bool { return st.Queued == 4 })
		if st.Oldest.IsZero() {
			t.Error("no oldest job time with jobs queued")
		}
		var r recorder
		run(t, q, always, r.handle)
		eventually(t, q, "four done", func(st jobs.Stats) bool { return st.Done == 4 && st.Queued == 0 && st.Running == 0 })
		if r.count("a1") != 3 || r.count("a2") != 1 {
			t.Fatalf("handled %v, want a1 three times (k, k2, k again from k2) and a2 once", r.calls)
		}
	})
	t.Run("DroppedNeverRetried", func(t *testing.T) {
		// A job whose article was withdrawn after it was asked for: once,
		// acknowledged, counted as dropped, never kept as failed.
		q := newQueue(t, nodes(t, 1)[0])
		r := recorder{fail: func(id string) error {
			if id == "gone" {
				return fmt.Errorf("%w: render gone: article withdrawn", jobs.ErrDropped)
			}
			return nil
		}}
		run(t, q, always, r.handle)
		if err := q.Enqueue(context.Background(), jobs.Job{ID: "gone", Key: "k"}, jobs.Job{ID: "kept", Key: "k"}); err != nil {
			t.Fatal(err)
		}
		st := eventually(t, q, "dropped", func(st jobs.Stats) bool { return st.Dropped == 1 && st.Done == 1 && st.Queued == 0 && st.Running == 0 })
		if st.Failed != 0 || r.count("gone") != 1 {
			t.Errorf("dropped job: %d failed, handled %d times; want none failed, handled once", st.Failed, r.count("gone"))
		}
	})
	t.Run("RetriedThenFailed", func(t *testing.T) {
		q := newQueue(t, nodes(t, 1)[0])
		ctx := context.Background()
		var broken atomic.Bool
		broken.Store(true)
		r := recorder{fail: func(id string) error {
			if id == "bad" && broken.Load() {
				return errors.New("fetch article bad: source answered 500")
			}
			return nil
		}}
		run(t, q, always, r.handle)
		if err := q.Enqueue(ctx, jobs.Job{ID: "bad", Key: "k"}, jobs.Job{ID: "good", Key: "k"}); err != nil {
			t.Fatal(err)
		}
		st := eventually(t, q, "failed kept", func(st jobs.Stats) bool { return st.Failed == 1 && st.Done == 1 && st.Queued == 0 })
		f := st.Failures[0]
		if f.ID != "bad" || f.Attempts != queueCfg.Attempts || !strings.Contains(f.Error, "500") {
			t.Fatalf("failure %+v", f)
		}
		if n := r.count("bad"); n != queueCfg.Attempts {
			t.Fatalf("tried %d times, want %d", n, queueCfg.Attempts)
		}
		broken.Store(false)
		if n, err := q.Retry(ctx); err != nil || n != 1 {
			t.Fatalf("retry: %d, %v", n, err)
		}
		eventually(t, q, "retried job done", func(st jobs.Stats) bool { return st.Failed == 0 && st.Done == 2 })
		if n, err := q.Retry(ctx, "bad", "unknown"); err != nil || n != 0 {
			t.Fatalf("retry of jobs not failed: %d, %v", n, err)
		}
	})
	t.Run("OnlyWithFreeSlots", func(t *testing.T) {
		q := newQueue(t, nodes(t, 1)[0])
		var free atomic.Int32
		var r recorder
		run(t, q, func() int { return int(free.Load()) }, r.handle)
		if err := q.Enqueue(context.Background(), jobs.Job{ID: "a1"}); err != nil {
			t.Fatal(err)
		}
		// A job run without a free slot has this long to show: a busy
		// machine can only make the check weaker, never fail it.
		time.Sleep(300 * time.Millisecond)
		if r.count("a1") != 0 {
			t.Fatal("a job ran with no free render slot")
		}
		free.Store(1)
		eventually(t, q, "done once a slot is free", func(st jobs.Stats) bool { return st.Done == 1 })
	})
	t.Run("SpreadOverNodes", func(t *testing.T) {
		ns := nodes(t, 3)
		var r recorder
		var byNode [3]atomic.Int32
		for i, n := range ns {
			q := newQueue(t, n)
			run(t, q, always, func(ctx context.Context, j jobs.Job) error {
				byNode[i].Add(1)
				time.Sleep(10 * time.Millisecond) // a render takes time: others get their share
				return r.handle(ctx, j)
			})
		}
		q := newQueue(t, ns[0])
		for i := range 30 {
			if err := q.Enqueue(context.Background(), jobs.Job{ID: fmt.Sprintf("a%d", i), Key: "k"}); err != nil {
				t.Fatal(err)
			}
		}
		eventually(t, q, "30 done", func(st jobs.Stats) bool { return st.Done == 30 })
		for i := range 30 {
			if n := r.count(fmt.Sprintf("a%d", i)); n != 1 {
				t.Fatalf("a%d rendered %d times", i, n)
			}
		}
		busy := 0
		for i := range byNode {
			if byNode[i].Load() > 0 {
				busy++
			}
		}
		if busy < 2 {
			t.Errorf("30 jobs all went to one of three nodes")
		}
	})
	t.Run("NodeDiesMidJob", func(t *testing.T) {
		ns := nodes(t, 2)
		dying, other := newQueue(t, ns[0]), newQueue(t, ns[1])
		held := make(chan struct{})
		stuck := make(chan struct{})
		defer close(stuck)
		run(t, dying, always, func(context.Context, jobs.Job) error {
			close(held)
			<-stuck
			return nil
		})
		if err := other.Enqueue(context.Background(), jobs.Job{ID: "a1"}); err != nil {
			t.Fatal(err)
		}
		<-held
		ns[0].nc.Close()
		var r recorder
		run(t, other, always, r.handle)
		eventually(t, other, "done by the other node", func(st jobs.Stats) bool { return st.Done == 1 })
		if r.count("a1") != 1 {
			t.Fatal("the other node did not render the dead node's job")
		}
	})
}

func TestQueueEmbedded(t *testing.T) {
	queueContract(t, func(t *testing.T, n int) []*Node {
		// One embedded server: every "node" is a connection to it.
		first := embeddedNode(t)
		nodes := []*Node{first}
		for range n - 1 {
			nodes = append(nodes, inProcess(t, first))
		}
		return nodes
	})
	t.Run("SurvivesRestart", func(t *testing.T) {
		dir := t.TempDir()
		ctx := context.Background()
		n, err := Start(ctx, Config{Dir: dir}, quiet)
		if err != nil {
			t.Fatal(err)
		}
		if err := newQueue(t, n).Enqueue(ctx, jobs.Job{ID: "a1", Key: "k"}); err != nil {
			t.Fatal(err)
		}
		n.Close()
		n, err = Start(ctx, Config{Dir: dir}, quiet)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(n.Close)
		q := newQueue(t, n)
		eventually(t, q, "queued after the restart", func(st jobs.Stats) bool { return st.Queued == 1 })
		var r recorder
		run(t, q, always, r.handle)
		eventually(t, q, "done", func(st jobs.Stats) bool { return st.Done == 1 })
	})
}

func TestQueueCluster(t *testing.T) {
	c := natstest.Start(t, 3)
	queueContract(t, func(t *testing.T, n int) []*Node { return clusterNodes(t, c, n) })
}

func TestQueueGauges(t *testing.T) {
	q := newQueue(t, embeddedNode(t))
	reg := prometheus.NewRegistry()
	q.RegisterMetrics(reg)
	if err := q.Enqueue(context.Background(), jobs.Job{ID: "a1"}, jobs.Job{ID: "a2"}); err != nil {
		t.Fatal(err)
	}
	got := map[string]float64{}
	mfs, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, mf := range mfs {
		got[mf.GetName()] = mf.GetMetric()[0].GetGauge().GetValue()
	}
	if got["ecouter_queue_depth"] != 2 || got["ecouter_queue_oldest_seconds"] <= 0 {
		t.Fatalf("gauges %v, want a depth of 2 and a positive age", got)
	}
}
