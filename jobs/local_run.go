package jobs

import (
	"context"
	"errors"
	"sync"
	"time"
)

// Run renders queued jobs with h until ctx ends: at most workers at once,
// and only while free reports a free render slot, so listeners keep
// theirs. It returns once the jobs it holds are finished or handed back
// to the queue.
func (q *Local) Run(ctx context.Context, workers int, free func() int, h Handler) {
	var wg sync.WaitGroup
	for range max(1, workers) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for WaitFree(ctx, free) {
				e, ok := q.next(ctx)
				if !ok {
					return
				}
				q.handle(ctx, e, h)
			}
		}()
	}
	wg.Wait()
}

// WaitFree waits until free reports a free render slot, and says false if
// ctx ended first.
func WaitFree(ctx context.Context, free func() int) bool {
	for free() <= 0 {
		select {
		case <-ctx.Done():
			return false
		case <-time.After(100 * time.Millisecond):
		}
	}
	return ctx.Err() == nil
}

// next takes the oldest job whose delay is over, waiting for one until
// ctx ends.
func (q *Local) next(ctx context.Context) (*entry, bool) {
	for {
		q.mu.Lock()
		now := time.Now()
		wait := time.Minute // no job: until one is added
		for i, e := range q.waiting {
			if d := e.notBefore.Sub(now); d > 0 {
				wait = min(wait, d)
				continue
			}
			q.waiting = append(q.waiting[:i:i], q.waiting[i+1:]...)
			q.running[e] = struct{}{}
			q.mu.Unlock()
			return e, true
		}
		changed := q.changed
		q.mu.Unlock()
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return nil, false
		case <-changed:
		case <-t.C:
		}
		t.Stop()
	}
}

// handle runs one job: counted once rendered or dropped, kept as failed
// after its last attempt, queued again after its delay otherwise, handed
// back at once if the node stops.
func (q *Local) handle(ctx context.Context, e *entry, h Handler) {
	err := h(ctx, e.job)
	q.mu.Lock()
	defer q.mu.Unlock()
	delete(q.running, e)
	now := time.Now()
	id := e.job.ID
	switch {
	case err != nil && ctx.Err() != nil:
		// Stopping: the job waits for the next Run, first in line, this
		// attempt not counted.
		q.waiting = append([]*entry{e}, q.waiting...)
	case errors.Is(err, ErrDropped):
		q.log.Info("render job dropped", "article_id", id, "reason", err.Error())
		q.dropped = append(q.dropped, now)
	case err == nil:
		delete(q.failed, id)
		q.done = append(q.done, now)
	case e.attempt+1 >= q.cfg.Attempts:
		e.attempt++
		q.failed[id] = Failure{ID: id, Key: e.job.Key, Withdrawal: e.job.Withdrawal, Error: err.Error(), Attempts: e.attempt, FailedAt: now.UTC()}
		q.log.Error("render job failed", "article_id", id, "attempts", e.attempt, "err", err)
	default:
		e.attempt++
		d := Delay(q.cfg.Backoff, e.attempt)
		q.log.Warn("render job failed, will retry", "article_id", id, "attempt", e.attempt, "retry_in_ms", d.Milliseconds(), "err", err)
		e.notBefore = now.Add(d)
		q.add(e)
	}
}
