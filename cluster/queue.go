package cluster

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"time"

	"github.com/nats-io/nats.go/jetstream"
	"github.com/nats-io/nuid"

	"ecouter/jobs"
)

// Queue is the durable render queue: a JetStream work-queue stream every
// node consumes, with the failed jobs in a key-value bucket. It survives
// the restart of every node.
type Queue struct {
	n       *Node
	jobs    jetstream.Stream
	cons    jetstream.Consumer
	done    jetstream.Stream
	dropped jetstream.Stream
	failed  jetstream.KeyValue
	running jetstream.KeyValue
	cfg     QueueConfig
	log     *slog.Logger
}

// QueueConfig sets how failures are retried.
type QueueConfig struct {
	Attempts int           // attempts before a job is kept as failed; 0: jobs.DefaultAttempts
	Backoff  time.Duration // delay before the first retry, doubled for each next one; 0: jobs.DefaultBackoff
	// AckWait is how long a node may hold a job without a sign of life
	// before another node gets it: a node killed mid-render loses its
	// job after this. 0: DefaultAckWait.
	AckWait time.Duration
}

// DefaultAckWait is QueueConfig.AckWait's default; the retries' are
// jobs.DefaultAttempts and jobs.DefaultBackoff, as for every queue.
const DefaultAckWait = time.Minute

// message is a job as queued.
type message struct {
	jobs.Job
	Queued time.Time `json:"queued"`
}

// NewQueue creates (or finds) the queue's stream, consumer and buckets.
func NewQueue(ctx context.Context, n *Node, cfg QueueConfig, log *slog.Logger) (*Queue, error) {
	if cfg.Attempts <= 0 {
		cfg.Attempts = jobs.DefaultAttempts
	}
	if cfg.Backoff <= 0 {
		cfg.Backoff = jobs.DefaultBackoff
	}
	if cfg.AckWait <= 0 {
		cfg.AckWait = DefaultAckWait
	}
	q := &Queue{n: n, cfg: cfg, log: log}
	var err error
	if q.jobs, err = n.js.CreateOrUpdateStream(ctx, jetstream.StreamConfig{
		Name:        n.name("jobs"),
		Description: "ecouter: articles to render ahead of listeners",
		Subjects:    []string{n.subject("jobs.*")},
		Retention:   jetstream.WorkQueuePolicy,
		Duplicates:  jobs.DedupWindow,
		Replicas:    n.cfg.Replicas,
	}); err != nil {
		return nil, fmt.Errorf("NATS job stream: %w", err)
	}
	if q.cons, err = q.jobs.CreateOrUpdateConsumer(ctx, jetstream.ConsumerConfig{
		Durable:       n.name("render"),
		Description:   "ecouter: every node's render workers",
		AckPolicy:     jetstream.AckExplicitPolicy,
		AckWait:       cfg.AckWait,
		MaxDeliver:    -1, // attempts are counted by the queue, which keeps the error
		MaxAckPending: 10000,
		Replicas:      n.cfg.Replicas,
	}); err != nil {
		return nil, fmt.Errorf("NATS job consumer: %w", err)
	}
	if q.done, err = countStream(ctx, n, "done", "ecouter: jobs rendered, for counts"); err != nil {
		return nil, fmt.Errorf("NATS done stream: %w", err)
	}
	if q.dropped, err = countStream(ctx, n, "dropped",
		"ecouter: jobs not rendered, their article withdrawn after they were asked for, for counts"); err != nil {
		return nil, fmt.Errorf("NATS dropped stream: %w", err)
	}
	if q.failed, err = n.js.CreateOrUpdateKeyValue(ctx, jetstream.KeyValueConfig{
		Bucket: n.name("jobs_failed"), Description: "ecouter: jobs that failed every attempt, with their error",
		History: 1, Replicas: n.cfg.Replicas,
	}); err != nil {
		return nil, fmt.Errorf("NATS failed-jobs bucket: %w", err)
	}
	if q.running, err = n.js.CreateOrUpdateKeyValue(ctx, jetstream.KeyValueConfig{
		Bucket: n.name("jobs_running"), Description: "ecouter: jobs being rendered, renewed while they are",
		History: 1, Replicas: n.cfg.Replicas, TTL: cfg.AckWait,
	}); err != nil {
		return nil, fmt.Errorf("NATS running-jobs bucket: %w", err)
	}
	return q, nil
}

// countStream is a stream of the jobs that ended one way (done,
// dropped), kept over jobs.DoneWindow for the counts of /v1/jobs.
func countStream(ctx context.Context, n *Node, kind, description string) (jetstream.Stream, error) {
	return n.js.CreateOrUpdateStream(ctx, jetstream.StreamConfig{
		Name:        n.name("jobs_" + kind),
		Description: description,
		Subjects:    []string{n.subject(kind + ".*")},
		MaxAge:      jobs.DoneWindow,
		MaxMsgs:     1_000_000,
		Replicas:    n.cfg.Replicas,
	})
}

// Enqueue implements jobs.Queue.
func (q *Queue) Enqueue(ctx context.Context, js ...jobs.Job) error {
	for _, j := range js {
		if err := q.publish(ctx, j, jobs.DedupID(j)); err != nil {
			return err
		}
	}
	return nil
}

func (q *Queue) publish(ctx context.Context, j jobs.Job, msgID string) error {
	if err := checkToken("article id", j.ID); err != nil {
		return err
	}
	b, err := json.Marshal(message{Job: j, Queued: time.Now().UTC()})
	if err != nil {
		return err
	}
	if _, err := q.n.js.Publish(ctx, q.n.subject("jobs."+j.ID), b, jetstream.WithMsgID(msgID)); err != nil {
		return fmt.Errorf("%w: queue %s: %w", jobs.ErrUnavailable, j.ID, err)
	}
	return nil
}

// Retry implements jobs.Queue.
func (q *Queue) Retry(ctx context.Context, ids ...string) (int, error) {
	if len(ids) == 0 {
		fs, err := q.failures(ctx)
		if err != nil {
			return 0, err
		}
		for _, f := range fs {
			ids = append(ids, f.ID)
		}
	}
	n := 0
	for _, id := range ids {
		if checkToken("article id", id) != nil {
			continue // never queued: not failed either
		}
		e, err := q.failed.Get(ctx, id)
		if errors.Is(err, jetstream.ErrKeyNotFound) || errors.Is(err, jetstream.ErrInvalidKey) {
			continue
		}
		if err != nil {
			return n, fmt.Errorf("%w: retry %s: %w", jobs.ErrUnavailable, id, err)
		}
		var f jobs.Failure
		if err := json.Unmarshal(e.Value(), &f); err != nil {
			return n, fmt.Errorf("retry %s: %w", id, err)
		}
		// A message ID of its own: the first one is remembered as a
		// duplicate for a while.
		if err := q.publish(ctx, jobs.Job{ID: f.ID, Key: f.Key, Withdrawal: f.Withdrawal}, f.ID+"@"+f.Key+"@retry-"+nuid.Next()); err != nil {
			return n, err
		}
		if err := q.failed.Delete(ctx, id, jetstream.LastRevision(e.Revision())); err != nil {
			q.log.Warn("forget failed job", "article_id", id, "err", err)
		}
		n++
	}
	return n, nil
}

// Stats implements jobs.Queue.
func (q *Queue) Stats(ctx context.Context) (jobs.Stats, error) {
	// The failed jobs' watch waits for the bucket's last value, which a
	// stream still electing its leader after a node's restart may never
	// send: an operator's request must get 503, not hang.
	ctx, cancel := context.WithTimeout(ctx, statsTimeout)
	defer cancel()
	var st jobs.Stats
	info, err := q.jobs.Info(ctx)
	if err != nil {
		return st, fmt.Errorf("%w: %w", jobs.ErrUnavailable, err)
	}
	if info.State.Msgs > 0 {
		st.Oldest = info.State.FirstTime
	}
	running, err := q.running.Keys(ctx)
	if err != nil && !errors.Is(err, jetstream.ErrNoKeysFound) {
		return st, fmt.Errorf("%w: %w", jobs.ErrUnavailable, err)
	}
	st.Running = len(running)
	st.Queued = max(0, int(info.State.Msgs)-st.Running)
	done, err := q.done.Info(ctx)
	if err != nil {
		return st, fmt.Errorf("%w: %w", jobs.ErrUnavailable, err)
	}
	st.Done = int(done.State.Msgs)
	dropped, err := q.dropped.Info(ctx)
	if err != nil {
		return st, fmt.Errorf("%w: %w", jobs.ErrUnavailable, err)
	}
	st.Dropped = int(dropped.State.Msgs)
	if st.Failures, err = q.failures(ctx); err != nil {
		return st, err
	}
	st.Failed = len(st.Failures)
	if len(st.Failures) > jobs.MaxFailures {
		st.Failures = st.Failures[:jobs.MaxFailures]
	}
	return st, nil
}

// statsTimeout bounds Stats as a whole.
const statsTimeout = 15 * time.Second

// failures lists the failed jobs, newest first.
func (q *Queue) failures(ctx context.Context) ([]jobs.Failure, error) {
	w, err := q.failed.WatchAll(ctx, jetstream.IgnoreDeletes())
	if err != nil {
		return nil, fmt.Errorf("%w: %w", jobs.ErrUnavailable, err)
	}
	defer w.Stop() //nolint:errcheck // nothing to do about it
	fs := []jobs.Failure{}
	for {
		select {
		case e, ok := <-w.Updates():
			if !ok {
				return nil, fmt.Errorf("%w: failed jobs: watch ended", jobs.ErrUnavailable)
			}
			if e == nil {
				slices.SortFunc(fs, func(a, b jobs.Failure) int { return b.FailedAt.Compare(a.FailedAt) })
				return fs, nil
			}
			var f jobs.Failure
			if json.Unmarshal(e.Value(), &f) == nil {
				fs = append(fs, f)
			}
		case <-ctx.Done():
			return nil, fmt.Errorf("%w: failed jobs: %w", jobs.ErrUnavailable, ctx.Err())
		}
	}
}

// depth is the number of jobs not finished and the age of the oldest, for
// the gauges.
func (q *Queue) depth(ctx context.Context) (int, time.Duration, error) {
	info, err := q.jobs.Info(ctx)
	if err != nil {
		return 0, 0, err
	}
	if info.State.Msgs == 0 {
		return 0, 0, nil
	}
	return int(info.State.Msgs), time.Since(info.State.FirstTime), nil
}
