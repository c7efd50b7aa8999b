package jobs

import (
	"context"
	"errors"
	"log/slog"
	"slices"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// Local is the render queue of a node alone (ECOUTER_NATS=off): the same
// promises as the cluster's (duplicates dropped, failures retried then
// kept, dropped jobs counted), held in this process's memory. What is
// queued, failed or counted is lost when the process exits.
type Local struct {
	cfg LocalConfig
	log *slog.Logger

	mu      sync.Mutex
	waiting []*entry             // oldest first; retries wait until their notBefore
	running map[*entry]struct{}  // being handled
	seen    map[string]time.Time // DedupID -> when queued, for DedupWindow
	failed  map[string]Failure   // by article ID
	done    []time.Time          // when each job of the last DoneWindow was rendered
	dropped []time.Time          // when each job of the last DoneWindow was dropped
	changed chan struct{}        // closed (and replaced) when a job is added
	pruned  time.Time
}

// LocalConfig sets how failures are retried.
type LocalConfig struct {
	Attempts int           // attempts before a job is kept as failed; 0: DefaultAttempts
	Backoff  time.Duration // delay before the first retry, doubled for each next one; 0: DefaultBackoff
}

// entry is a job as queued.
type entry struct {
	job       Job
	queued    time.Time
	attempt   int       // attempts made so far
	notBefore time.Time // a retry's delay
}

// maxCounted bounds the done and dropped counts, as the cluster's streams are.
const maxCounted = 1_000_000

// NewLocal returns an empty queue.
func NewLocal(cfg LocalConfig, log *slog.Logger) *Local {
	if cfg.Attempts <= 0 {
		cfg.Attempts = DefaultAttempts
	}
	if cfg.Backoff <= 0 {
		cfg.Backoff = DefaultBackoff
	}
	return &Local{
		cfg: cfg, log: log, running: map[*entry]struct{}{}, seen: map[string]time.Time{},
		failed: map[string]Failure{}, changed: make(chan struct{}),
	}
}

// Enqueue implements Queue.
func (q *Local) Enqueue(_ context.Context, js ...Job) error {
	for _, j := range js {
		if j.ID == "" {
			return errors.New("queue a job: no article id")
		}
	}
	q.mu.Lock()
	defer q.mu.Unlock()
	now := time.Now()
	q.prune(now)
	for _, j := range js {
		id := DedupID(j)
		if t, ok := q.seen[id]; ok && now.Sub(t) < DedupWindow {
			continue
		}
		q.seen[id] = now
		q.add(&entry{job: j, queued: now.UTC()})
	}
	return nil
}

// add queues e and wakes the workers; q.mu is held.
func (q *Local) add(e *entry) {
	q.waiting = append(q.waiting, e)
	close(q.changed)
	q.changed = make(chan struct{})
}

// prune forgets what is past its window, once a minute at most; q.mu is held.
func (q *Local) prune(now time.Time) {
	if now.Sub(q.pruned) < time.Minute {
		return
	}
	q.pruned = now
	for id, t := range q.seen {
		if now.Sub(t) >= DedupWindow {
			delete(q.seen, id)
		}
	}
	q.done = recent(q.done, now)
	q.dropped = recent(q.dropped, now)
}

// recent keeps the times of the last DoneWindow, at most maxCounted.
func recent(ts []time.Time, now time.Time) []time.Time {
	i, _ := slices.BinarySearchFunc(ts, now.Add(-DoneWindow), time.Time.Compare)
	i = max(i, len(ts)-maxCounted)
	return slices.Delete(ts, 0, i)
}

// Retry implements Queue.
func (q *Local) Retry(_ context.Context, ids ...string) (int, error) {
	q.mu.Lock()
	defer q.mu.Unlock()
	if len(ids) == 0 {
		for id := range q.failed {
			ids = append(ids, id)
		}
	}
	n := 0
	for _, id := range ids {
		f, ok := q.failed[id]
		if !ok {
			continue
		}
		delete(q.failed, id)
		q.add(&entry{job: Job{ID: f.ID, Key: f.Key, Withdrawal: f.Withdrawal}, queued: time.Now().UTC()})
		n++
	}
	return n, nil
}

// Stats implements Queue.
func (q *Local) Stats(context.Context) (Stats, error) {
	q.mu.Lock()
	defer q.mu.Unlock()
	now := time.Now()
	q.done, q.dropped = recent(q.done, now), recent(q.dropped, now)
	st := Stats{
		Queued: len(q.waiting), Running: len(q.running), Failed: len(q.failed),
		Done: len(q.done), Dropped: len(q.dropped), Oldest: q.oldest(),
		Failures: make([]Failure, 0, len(q.failed)),
	}
	for _, f := range q.failed {
		st.Failures = append(st.Failures, f)
	}
	slices.SortFunc(st.Failures, func(a, b Failure) int { return b.FailedAt.Compare(a.FailedAt) })
	if len(st.Failures) > MaxFailures {
		st.Failures = st.Failures[:MaxFailures]
	}
	return st, nil
}

// oldest is when the oldest job not finished was queued; q.mu is held.
func (q *Local) oldest() time.Time {
	var t time.Time
	for _, e := range q.waiting {
		if t.IsZero() || e.queued.Before(t) {
			t = e.queued
		}
	}
	for e := range q.running {
		if t.IsZero() || e.queued.Before(t) {
			t = e.queued
		}
	}
	return t
}

// depth is the number of jobs not finished and the age of the oldest, for
// the gauges.
func (q *Local) depth(context.Context) (int, time.Duration, error) {
	q.mu.Lock()
	defer q.mu.Unlock()
	n := len(q.waiting) + len(q.running)
	if n == 0 {
		return 0, 0, nil
	}
	return n, time.Since(q.oldest()), nil
}

// RegisterMetrics adds the queue's gauges to reg.
func (q *Local) RegisterMetrics(reg prometheus.Registerer) { RegisterGauges(reg, q.depth) }
