package render

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"runtime/debug"
	"sync"
)

// ErrBusy means the render limit is reached: a new article must wait
// until running renders finish, so a burst of first listens cannot
// exhaust the machine.
var ErrBusy = errors.New("too many renders running")

// ErrUnavailable means the scheduler cannot reach what it coordinates
// renders with (a cluster's NATS): the render is not started, stored audio
// is still served.
var ErrUnavailable = errors.New("render coordination unavailable")

// ErrPanic reports a bug caught while rendering.
var ErrPanic = errors.New("internal error while rendering")

// Scheduler decides who renders what and when: at most one render per
// article and content key, a limit on renders at once (callers that wait
// queue, listeners are refused), renders detached from the requests that
// started them, and the background work a shutdown waits for.
//
// Local is the one-process implementation; a cluster-wide one (one render
// per key across nodes) goes behind the same interface and must pass
// rendertest.SchedulerContract.
type Scheduler interface {
	// Start runs req.Render unless a render of the same article and key
	// is running, in which case the caller joins it. The render does not
	// depend on ctx, which bounds only the wait for a slot.
	Start(ctx context.Context, req Request) (*Job, error)
	// Rendering reports whether a render of the article is running.
	Rendering(id string) bool
	// Cancel ends the renders of the article this node runs, or follows
	// for its callers, with cause: they fail with an error wrapping it.
	Cancel(id string, cause error)
	// Track runs fn in the background as work Wait waits for.
	Track(fn func())
	// Wait blocks until every render and tracked work is finished, or ctx
	// ends.
	Wait(ctx context.Context) error
}

// Request is one render a caller wants.
type Request struct {
	ID  string // article ID
	Key string // content key: renders of one article with another key are other renders
	// Queue: the caller waits for its render anyway (a CMS hook, a batch,
	// the CLI) and so waits for a slot until ctx ends; otherwise a full
	// scheduler answers ErrBusy at once.
	Queue bool
	// Detached: nobody receives the result (the caller went on with the
	// previous audio), so the scheduler logs a failure itself.
	Detached bool
	// Render does the work, writing the MP3 to st as it is encoded. Its
	// context is the scheduler's, never the caller's.
	Render func(ctx context.Context, st *Stream) (*Manifest, error)
	// Stored reports whether a render's audio is in the store. A
	// scheduler that keeps finished results for a while (for callers that
	// asked just before it was stored) hands one out only if it is: a store
	// emptied or restored since must not get a result it does not hold,
	// nor its listeners the old audio. May be nil (always true).
	Stored func(ctx context.Context, m *Manifest) bool
}

// Job is a render started by a Scheduler: listeners read its Stream,
// waiters Wait for its manifest.
type Job struct {
	stream *Stream
	done   chan struct{}
	m      *Manifest
	err    error
	id     string                  // article ID (Local)
	cancel context.CancelCauseFunc // ends its render (Local)
}

// NewJob returns a job whose stream is st (nil for a render running
// elsewhere, which listeners cannot join). For Scheduler implementations.
func NewJob(st *Stream) *Job { return &Job{stream: st, done: make(chan struct{})} }

// Stream is the MP3 as it is encoded; nil if the render runs elsewhere.
func (j *Job) Stream() *Stream { return j.stream }

// Wait returns the render's manifest or error once it is finished.
func (j *Job) Wait(ctx context.Context) (*Manifest, error) {
	select {
	case <-j.done:
		return j.m, j.err
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// Finish records the render's outcome and ends its stream. For Scheduler
// implementations; called once.
func (j *Job) Finish(m *Manifest, err error) {
	j.m, j.err = m, err
	if j.stream != nil {
		j.stream.finish(err)
	}
	close(j.done)
}

// Local is the Scheduler of one process.
type Local struct {
	log   *slog.Logger
	slots chan struct{} // one per render running

	mu       sync.Mutex
	jobs     map[string]*Job // article ID @ content key -> render running
	inflight map[string]int  // article ID -> renders running
	// Background work (renders, batches) counted under mu rather than in
	// a WaitGroup: work may start while Wait waits, which a WaitGroup
	// forbids once its count has reached zero.
	background int
	idle       chan struct{} // closed when background drops to zero
}

// NewLocal returns a scheduler running at most maxRenders renders at once
// (at least one).
func NewLocal(maxRenders int, log *slog.Logger) *Local {
	return &Local{
		log:      log,
		slots:    make(chan struct{}, max(1, maxRenders)),
		jobs:     map[string]*Job{},
		inflight: map[string]int{},
	}
}

// Start implements Scheduler.
func (l *Local) Start(ctx context.Context, req Request) (*Job, error) {
	k := req.ID + "@" + req.Key
	if j := l.running(k); j != nil {
		return j, nil
	}
	if err := l.acquire(ctx, req.Queue); err != nil {
		return nil, err
	}
	l.mu.Lock()
	if j, ok := l.jobs[k]; ok { // started by another caller meanwhile
		l.mu.Unlock()
		<-l.slots
		return j, nil
	}
	j := NewJob(newStream())
	ctx, cancel := context.WithCancelCause(context.Background())
	j.id, j.cancel = req.ID, cancel
	l.jobs[k] = j
	l.inflight[req.ID]++
	l.background++ // with the job, so Wait never misses it
	l.mu.Unlock()
	go l.run(ctx, k, req, j)
	return j, nil
}

func (l *Local) run(ctx context.Context, k string, req Request, j *Job) {
	defer l.busy(-1)
	defer j.cancel(nil)
	m, err := l.renderSafely(ctx, req, j.stream)
	if cause := context.Cause(ctx); err != nil && cause != nil && !errors.Is(err, cause) {
		// Cancelled (the article withdrawn): the reason, not "context
		// canceled", is the render's error.
		err = fmt.Errorf("%w (%w)", cause, err)
	}
	if err != nil && req.Detached {
		l.log.Error("background render failed", "article_id", req.ID, "err", err)
	}
	l.mu.Lock()
	delete(l.jobs, k)
	if l.inflight[req.ID]--; l.inflight[req.ID] <= 0 {
		delete(l.inflight, req.ID)
	}
	l.mu.Unlock()
	// The slot is free, and the file stored, before the stream ends:
	// whoever asks next gets the stored file or a new render.
	<-l.slots
	j.Finish(m, err)
}

func (l *Local) renderSafely(ctx context.Context, req Request, st *Stream) (m *Manifest, err error) {
	defer recoverTo(&err, l.log, req.ID)
	return req.Render(ctx, st)
}

// Cancel implements Scheduler.
func (l *Local) Cancel(id string, cause error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	for _, j := range l.jobs {
		if j.id == id {
			j.cancel(cause)
		}
	}
}

func (l *Local) running(k string) *Job {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.jobs[k]
}

// acquire takes a render slot: at once or ErrBusy, or queueing until ctx
// ends.
func (l *Local) acquire(ctx context.Context, queue bool) error {
	if !queue {
		select {
		case l.slots <- struct{}{}:
			return nil
		default:
			return ErrBusy
		}
	}
	select {
	case l.slots <- struct{}{}:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// Free is the number of render slots free now: the render queue takes
// jobs only while there is one.
func (l *Local) Free() int { return cap(l.slots) - len(l.slots) }

// Rendering implements Scheduler.
func (l *Local) Rendering(id string) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.inflight[id] > 0
}

// Track implements Scheduler.
func (l *Local) Track(fn func()) {
	l.busy(1)
	go func() {
		defer l.busy(-1)
		fn()
	}()
}

// Wait implements Scheduler.
func (l *Local) Wait(ctx context.Context) error {
	l.mu.Lock()
	if l.background == 0 {
		l.mu.Unlock()
		return nil
	}
	if l.idle == nil {
		l.idle = make(chan struct{})
	}
	idle := l.idle
	l.mu.Unlock()
	select {
	case <-idle:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

func (l *Local) busy(d int) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.background += d
	if l.background == 0 && l.idle != nil {
		close(l.idle)
		l.idle = nil
	}
}

func recoverTo(err *error, log *slog.Logger, id string) {
	if r := recover(); r != nil {
		log.Error("panic while rendering", "article_id", id, "panic", fmt.Sprint(r), "stack", string(debug.Stack()))
		*err = fmt.Errorf("render %s: %w", id, ErrPanic)
	}
}
