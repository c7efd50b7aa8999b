package cluster

import (
	"context"
	"encoding/json"
	"errors"
	"sync"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"ecouter/jobs"
)

// Run renders queued jobs with h until ctx ends: at most workers at once,
// and only while free reports a free render slot on this node, so
// listeners keep theirs. It returns once the jobs it holds are finished
// or handed back.
func (q *Queue) Run(ctx context.Context, workers int, free func() int, h jobs.Handler) {
	var wg sync.WaitGroup
	for range max(1, workers) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			q.work(ctx, free, h)
		}()
	}
	wg.Wait()
}

func (q *Queue) work(ctx context.Context, free func() int, h jobs.Handler) {
	for ctx.Err() == nil {
		if !jobs.WaitFree(ctx, free) {
			return
		}
		fctx, cancel := context.WithTimeout(ctx, 5*time.Second)
		batch, err := q.cons.Fetch(1, jetstream.FetchContext(fctx))
		if err != nil {
			cancel()
			q.pause(ctx, err)
			continue
		}
		for m := range batch.Messages() {
			q.handle(ctx, m, h)
		}
		err = batch.Error()
		cancel()
		if err != nil && !errors.Is(err, context.DeadlineExceeded) && !errors.Is(err, jetstream.ErrNoMessages) && ctx.Err() == nil {
			q.pause(ctx, err)
		}
	}
}

// pause waits a little after NATS failed, so a node cut off does not spin.
func (q *Queue) pause(ctx context.Context, err error) {
	if ctx.Err() != nil {
		return
	}
	q.log.Warn("fetch render jobs", "err", err)
	select {
	case <-ctx.Done():
	case <-time.After(time.Second):
	}
}

// handle runs one job: acknowledged once rendered (or kept as failed after
// its last attempt), delayed for a retry otherwise, handed back at once
// if this node stops.
func (q *Queue) handle(ctx context.Context, m jetstream.Msg, h jobs.Handler) {
	var msg message
	if err := json.Unmarshal(m.Data(), &msg); err != nil || msg.ID == "" {
		q.log.Error("unreadable render job dropped", "subject", m.Subject(), "err", err)
		_ = m.Term()
		return
	}
	attempt := 1
	if md, err := m.Metadata(); err == nil {
		attempt = int(md.NumDelivered)
	}
	stop := q.alive(ctx, m, msg.ID)
	err := h(ctx, msg.Job)
	stop()
	dctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer cancel()
	switch {
	case err != nil && ctx.Err() != nil:
		_ = m.Nak() // shutting down: another node takes it now
	case errors.Is(err, jobs.ErrDropped):
		// Never tried again: the article was withdrawn after the job was
		// asked for, and stays so until a render asked for later.
		q.log.Info("render job dropped", "article_id", msg.ID, "reason", err.Error())
		if aerr := m.DoubleAck(dctx); aerr != nil {
			q.log.Warn("acknowledge render job", "article_id", msg.ID, "err", aerr)
		}
		if _, perr := q.n.js.Publish(dctx, q.n.subject("dropped."+msg.ID), nil); perr != nil {
			q.log.Warn("count dropped job", "article_id", msg.ID, "err", perr)
		}
	case err == nil:
		if aerr := m.DoubleAck(dctx); aerr != nil {
			q.log.Warn("acknowledge render job", "article_id", msg.ID, "err", aerr)
		}
		if derr := q.failed.Delete(dctx, msg.ID); derr != nil && !errors.Is(derr, jetstream.ErrKeyNotFound) {
			q.log.Warn("forget failed job", "article_id", msg.ID, "err", derr)
		}
		if _, perr := q.n.js.Publish(dctx, q.n.subject("done."+msg.ID), nil); perr != nil {
			q.log.Warn("count done job", "article_id", msg.ID, "err", perr)
		}
	case attempt >= q.cfg.Attempts:
		b, _ := json.Marshal(jobs.Failure{ID: msg.ID, Key: msg.Key, Withdrawal: msg.Withdrawal, Error: err.Error(), Attempts: attempt, FailedAt: time.Now().UTC()})
		if _, perr := q.failed.Put(dctx, msg.ID, b); perr != nil {
			q.log.Error("keep failed job", "article_id", msg.ID, "err", perr)
			_ = m.Nak() // not lost: tried again
			return
		}
		q.log.Error("render job failed", "article_id", msg.ID, "attempts", attempt, "err", err)
		_ = m.DoubleAck(dctx)
	default:
		d := jobs.Delay(q.cfg.Backoff, attempt)
		q.log.Warn("render job failed, will retry", "article_id", msg.ID, "attempt", attempt, "retry_in_ms", d.Milliseconds(), "err", err)
		_ = m.NakWithDelay(d)
	}
}

// alive tells NATS the job is still held, and other nodes that it runs,
// until the returned stop is called.
func (q *Queue) alive(ctx context.Context, m jetstream.Msg, id string) (stop func()) {
	mark := func() {
		if _, err := q.running.Put(ctx, id, []byte(q.n.id)); err != nil {
			q.log.Warn("mark render job running", "article_id", id, "err", err)
		}
	}
	mark()
	done := make(chan struct{})
	ended := make(chan struct{})
	go func() {
		defer close(ended)
		t := time.NewTicker(q.cfg.AckWait / 3) // three signs of life per AckWait
		defer t.Stop()
		for {
			select {
			case <-done:
				return
			case <-t.C:
				_ = m.InProgress()
				mark()
			}
		}
	}()
	return func() {
		close(done)
		<-ended
		ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
		defer cancel()
		_ = q.running.Delete(ctx, id)
	}
}
