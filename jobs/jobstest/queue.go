// Package jobstest holds the contract every render queue must pass: the
// cluster's (NATS JetStream) and a lone node's (jobs.Local) run the same
// tests, so one code path serves one node and many.
package jobstest

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

	"ecouter/internal/testwait"
	"ecouter/jobs"
)

// Queue is a render queue with its workers and gauges.
type Queue interface {
	jobs.Queue
	Run(ctx context.Context, workers int, free func() int, h jobs.Handler)
	RegisterMetrics(reg prometheus.Registerer)
}

// Attempts and Backoff are the retry settings a queue under test must
// have: failures are tried three times, fast.
const (
	Attempts = 3
	Backoff  = 20 * time.Millisecond
)

// NewQueue returns a fresh, empty queue with Attempts and Backoff.
type NewQueue func(t *testing.T) Queue

// QueueContract runs every behaviour a queue promises against queues made
// by newQueue.
func QueueContract(t *testing.T, newQueue NewQueue) {
	t.Run("OnceEachDeduplicated", func(t *testing.T) { onceEachDeduplicated(t, newQueue(t)) })
	t.Run("DroppedNeverRetried", func(t *testing.T) { droppedNeverRetried(t, newQueue(t)) })
	t.Run("RetriedThenFailed", func(t *testing.T) { retriedThenFailed(t, newQueue(t)) })
	t.Run("OnlyWithFreeSlots", func(t *testing.T) { onlyWithFreeSlots(t, newQueue(t)) })
	t.Run("RunningShown", func(t *testing.T) { runningShown(t, newQueue(t)) })
	t.Run("StopHandsBack", func(t *testing.T) { stopHandsBack(t, newQueue(t)) })
	t.Run("Gauges", func(t *testing.T) { gauges(t, newQueue(t)) })
}

// Recorder is a handler counting its calls per article.
type Recorder struct {
	mu    sync.Mutex
	calls map[string]int
	last  map[string]jobs.Job
	Fail  func(id string) error // nil: every job succeeds
}

// Handle is the jobs.Handler.
func (r *Recorder) Handle(_ context.Context, j jobs.Job) error {
	r.mu.Lock()
	if r.calls == nil {
		r.calls, r.last = map[string]int{}, map[string]jobs.Job{}
	}
	r.calls[j.ID]++
	r.last[j.ID] = j
	r.mu.Unlock()
	if r.Fail != nil {
		return r.Fail(j.ID)
	}
	return nil
}

// Count is how many times the article's job was handled.
func (r *Recorder) Count(id string) int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.calls[id]
}

// Last is the article's job as last handled.
func (r *Recorder) Last(id string) jobs.Job {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.last[id]
}

// Run consumes q with two workers until the test ends.
func Run(t *testing.T, q Queue, free func() int, h jobs.Handler) {
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); q.Run(ctx, 2, free, h) }()
	t.Cleanup(func() { cancel(); <-done })
}

// Always is a node with a free render slot.
func Always() int { return 1 }

// Eventually polls the queue's stats until ok, and returns them.
func Eventually(t *testing.T, q jobs.Queue, what string, ok func(jobs.Stats) bool) jobs.Stats {
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

func enqueue(t *testing.T, q Queue, js ...jobs.Job) {
	t.Helper()
	if err := q.Enqueue(context.Background(), js...); err != nil {
		t.Fatal(err)
	}
}

func onceEachDeduplicated(t *testing.T, q Queue) {
	for range 3 {
		enqueue(t, q, jobs.Job{ID: "a1", Key: "k"}, jobs.Job{ID: "a2", Key: "k"})
	}
	enqueue(t, q, jobs.Job{ID: "a1", Key: "k2"}) // changed: a job of its own
	// Reverted to k from k2 (or brought back after a withdrawal): the
	// same key from another state is a job of its own too.
	for range 2 {
		enqueue(t, q, jobs.Job{ID: "a1", Key: "k", Since: "from@k2"})
	}
	st := Eventually(t, q, "four queued", func(st jobs.Stats) bool { return st.Queued == 4 })
	if st.Oldest.IsZero() {
		t.Error("no oldest job time with jobs queued")
	}
	var r Recorder
	Run(t, q, Always, r.Handle)
	Eventually(t, q, "four done", func(st jobs.Stats) bool { return st.Done == 4 && st.Queued == 0 && st.Running == 0 })
	if r.Count("a1") != 3 || r.Count("a2") != 1 {
		t.Fatalf("handled a1 %d times and a2 %d, want a1 three times (k, k2, k again from k2) and a2 once", r.Count("a1"), r.Count("a2"))
	}
}

// droppedNeverRetried: a job whose article was withdrawn after it was
// asked for runs once, is counted as dropped, never kept as failed.
func droppedNeverRetried(t *testing.T, q Queue) {
	r := Recorder{Fail: func(id string) error {
		if id == "gone" {
			return fmt.Errorf("%w: render gone: article withdrawn", jobs.ErrDropped)
		}
		return nil
	}}
	Run(t, q, Always, r.Handle)
	enqueue(t, q, jobs.Job{ID: "gone", Key: "k"}, jobs.Job{ID: "kept", Key: "k"})
	st := Eventually(t, q, "dropped", func(st jobs.Stats) bool { return st.Dropped == 1 && st.Done == 1 && st.Queued == 0 && st.Running == 0 })
	if st.Failed != 0 || r.Count("gone") != 1 {
		t.Errorf("dropped job: %d failed, handled %d times; want none failed, handled once", st.Failed, r.Count("gone"))
	}
}

// retriedThenFailed: a failure is tried Attempts times, then kept with its
// error until retried; a retry keeps the job's withdrawal.
func retriedThenFailed(t *testing.T, q Queue) {
	ctx := context.Background()
	var broken atomic.Bool
	broken.Store(true)
	r := Recorder{Fail: func(id string) error {
		if id == "bad" && broken.Load() {
			return errors.New("fetch article bad: source answered 500")
		}
		return nil
	}}
	Run(t, q, Always, r.Handle)
	enqueue(t, q, jobs.Job{ID: "bad", Key: "k", Withdrawal: "w1"}, jobs.Job{ID: "good", Key: "k"})
	st := Eventually(t, q, "failed kept", func(st jobs.Stats) bool { return st.Failed == 1 && st.Done == 1 && st.Queued == 0 })
	f := st.Failures[0]
	if f.ID != "bad" || f.Key != "k" || f.Withdrawal != "w1" || f.Attempts != Attempts || !strings.Contains(f.Error, "500") || f.FailedAt.IsZero() {
		t.Fatalf("failure %+v", f)
	}
	if n := r.Count("bad"); n != Attempts {
		t.Fatalf("tried %d times, want %d", n, Attempts)
	}
	broken.Store(false)
	if n, err := q.Retry(ctx); err != nil || n != 1 {
		t.Fatalf("retry: %d, %v", n, err)
	}
	Eventually(t, q, "retried job done", func(st jobs.Stats) bool { return st.Failed == 0 && st.Done == 2 })
	if j := r.Last("bad"); j.Key != "k" || j.Withdrawal != "w1" {
		t.Errorf("retried job %+v, want its key and withdrawal kept", j)
	}
	if n, err := q.Retry(ctx, "bad", "unknown"); err != nil || n != 0 {
		t.Fatalf("retry of jobs not failed: %d, %v", n, err)
	}
}

func onlyWithFreeSlots(t *testing.T, q Queue) {
	var free atomic.Int32
	var r Recorder
	Run(t, q, func() int { return int(free.Load()) }, r.Handle)
	enqueue(t, q, jobs.Job{ID: "a1"})
	// A job run without a free slot has this long to show: a busy
	// machine can only make the check weaker, never fail it.
	time.Sleep(300 * time.Millisecond)
	if r.Count("a1") != 0 {
		t.Fatal("a job ran with no free render slot")
	}
	free.Store(1)
	Eventually(t, q, "done once a slot is free", func(st jobs.Stats) bool { return st.Done == 1 })
}

// runningShown: a job being rendered counts as running, not queued, and
// is the oldest.
func runningShown(t *testing.T, q Queue) {
	release := make(chan struct{})
	held := make(chan struct{}, 1)
	Run(t, q, Always, func(_ context.Context, j jobs.Job) error {
		if j.ID == "slow" {
			held <- struct{}{}
			<-release
		}
		return nil
	})
	enqueue(t, q, jobs.Job{ID: "slow"})
	<-held
	st := Eventually(t, q, "one running", func(st jobs.Stats) bool { return st.Running == 1 && st.Queued == 0 })
	if st.Oldest.IsZero() {
		t.Error("no oldest job time with a job running")
	}
	close(release)
	Eventually(t, q, "done", func(st jobs.Stats) bool { return st.Done == 1 && st.Running == 0 && st.Queued == 0 })
}

// stopHandsBack: a job held when its node stops is not lost, nor failed:
// the next Run renders it.
func stopHandsBack(t *testing.T, q Queue) {
	ctx, cancel := context.WithCancel(context.Background())
	held := make(chan struct{})
	stopped := make(chan struct{})
	go func() {
		defer close(stopped)
		q.Run(ctx, 1, Always, func(ctx context.Context, _ jobs.Job) error {
			close(held)
			<-ctx.Done()
			return ctx.Err()
		})
	}()
	enqueue(t, q, jobs.Job{ID: "a1", Key: "k"})
	<-held
	cancel()
	<-stopped
	var r Recorder
	Run(t, q, Always, r.Handle)
	st := Eventually(t, q, "done after the restart of the workers", func(st jobs.Stats) bool { return st.Done == 1 && st.Queued == 0 })
	if st.Failed != 0 || r.Count("a1") != 1 {
		t.Fatalf("%d failed, handled %d times by the next Run; want none failed, once", st.Failed, r.Count("a1"))
	}
}

func gauges(t *testing.T, q Queue) {
	reg := prometheus.NewRegistry()
	q.RegisterMetrics(reg)
	enqueue(t, q, jobs.Job{ID: "a1"}, jobs.Job{ID: "a2"})
	testwait.Eventually(t, func() bool {
		got := map[string]float64{}
		mfs, err := reg.Gather()
		if err != nil {
			t.Fatal(err)
		}
		for _, mf := range mfs {
			got[mf.GetName()] = mf.GetMetric()[0].GetGauge().GetValue()
		}
		return got["ecouter_queue_depth"] == 2 && got["ecouter_queue_oldest_seconds"] > 0
	}, "gauges with a depth of 2 and a positive age")
}
