// Package rendertest holds the contract every render.Scheduler must pass:
// the one-process scheduler runs it, and so will a cluster-wide one.
package rendertest

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"ecouter/internal/testwait"
	"ecouter/render"
)

// NewScheduler returns a fresh scheduler allowing maxRenders at once.
type NewScheduler func(t *testing.T, maxRenders int) render.Scheduler

// SchedulerContract runs every behaviour a Scheduler promises against
// schedulers made by newScheduler.
func SchedulerContract(t *testing.T, newScheduler NewScheduler) {
	t.Run("OneRenderPerKey", func(t *testing.T) { oneRenderPerKey(t, newScheduler(t, 4)) })
	t.Run("KeysAreSeparate", func(t *testing.T) { keysAreSeparate(t, newScheduler(t, 4)) })
	t.Run("Slots", func(t *testing.T) { slots(t, newScheduler(t, 2)) })
	t.Run("Queueing", func(t *testing.T) { queueing(t, newScheduler(t, 1)) })
	t.Run("Detached", func(t *testing.T) { detached(t, newScheduler(t, 2)) })
	t.Run("ShutdownWaits", func(t *testing.T) { shutdownWaits(t, newScheduler(t, 2)) })
	t.Run("Panic", func(t *testing.T) { panics(t, newScheduler(t, 1)) })
	t.Run("GoneFromTheStore", func(t *testing.T) { goneFromTheStore(t, newScheduler(t, 2)) })
	t.Run("Cancel", func(t *testing.T) { cancels(t, newScheduler(t, 2)) })
}

// cancels: Cancel ends the article's render with its cause (what a
// withdrawal does), and no other article's.
func cancels(t *testing.T, s render.Scheduler) {
	g := newGate()
	ctx := context.Background()
	a1, err := s.Start(ctx, g.request("a1", "k1"))
	if err != nil {
		t.Fatal(err)
	}
	a2, err := s.Start(ctx, g.request("a2", "k1"))
	if err != nil {
		t.Fatal(err)
	}
	g.waitStarted(t, 2)
	cause := errors.New("withdrawn")
	s.Cancel("a1", cause)
	wctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if _, err := a1.Wait(wctx); !errors.Is(err, cause) {
		t.Errorf("cancelled render: %v, want its cause", err)
	}
	close(g.release)
	if m, err := a2.Wait(wctx); err != nil || m == nil {
		t.Errorf("the other article's render: %v", err)
	}
}

// gate is a render that runs until released.
type gate struct {
	started chan struct{}
	release chan struct{}
	runs    atomic.Int32
	ctxErr  atomic.Value // error seen by the render, if its context ended
}

func newGate() *gate { return &gate{started: make(chan struct{}, 100), release: make(chan struct{})} }

func (g *gate) request(id, key string) render.Request {
	return render.Request{ID: id, Key: key, Render: func(ctx context.Context, _ *render.Stream) (*render.Manifest, error) {
		g.runs.Add(1)
		g.started <- struct{}{}
		select {
		case <-g.release:
		case <-ctx.Done():
			g.ctxErr.Store(ctx.Err())
			return nil, ctx.Err()
		}
		return &render.Manifest{ID: id, Key: key}, nil
	}}
}

func (g *gate) waitStarted(t *testing.T, n int) {
	t.Helper()
	for range n {
		select {
		case <-g.started:
		case <-time.After(testwait.Scale(testwait.Timeout)):
			t.Fatal("render did not start")
		}
	}
}

func oneRenderPerKey(t *testing.T, s render.Scheduler) {
	g := newGate()
	ctx := context.Background()
	const callers = 50
	jobs := make([]*render.Job, callers)
	var wg sync.WaitGroup
	errs := make(chan error, callers)
	for i := range callers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			j, err := s.Start(ctx, g.request("a1", "k1"))
			if err != nil {
				errs <- err
				return
			}
			jobs[i] = j
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatalf("Start: %v", err)
	}
	g.waitStarted(t, 1)
	if !s.Rendering("a1") {
		t.Error("Rendering(a1) is false while it renders")
	}
	close(g.release)
	for i, j := range jobs {
		m, err := j.Wait(ctx)
		if err != nil || m == nil || m.Key != "k1" {
			t.Fatalf("caller %d: %v, %v", i, m, err)
		}
	}
	if n := g.runs.Load(); n != 1 {
		t.Fatalf("%d callers for one key ran %d renders, want 1", callers, n)
	}
	if err := s.Wait(ctx); err != nil {
		t.Fatal(err)
	}
	if s.Rendering("a1") {
		t.Error("Rendering(a1) is true after the render ended")
	}
}

func keysAreSeparate(t *testing.T, s render.Scheduler) {
	g := newGate()
	ctx := context.Background()
	j1, err1 := s.Start(ctx, g.request("a1", "k1"))
	j2, err2 := s.Start(ctx, g.request("a1", "k2"))
	j3, err3 := s.Start(ctx, g.request("a2", "k1"))
	if err := errors.Join(err1, err2, err3); err != nil {
		t.Fatal(err)
	}
	g.waitStarted(t, 3)
	close(g.release)
	for _, j := range []*render.Job{j1, j2, j3} {
		if _, err := j.Wait(ctx); err != nil {
			t.Fatal(err)
		}
	}
	if n := g.runs.Load(); n != 3 {
		t.Fatalf("three keys ran %d renders, want 3", n)
	}
}

func slots(t *testing.T, s render.Scheduler) {
	g := newGate()
	ctx := context.Background()
	var jobs []*render.Job
	for i := range 2 {
		j, err := s.Start(ctx, g.request(fmt.Sprintf("a%d", i), "k"))
		if err != nil {
			t.Fatal(err)
		}
		jobs = append(jobs, j)
	}
	g.waitStarted(t, 2)
	// Full: a listener for another article is refused at once, one for a
	// running article joins it.
	if _, err := s.Start(ctx, g.request("a9", "k")); !errors.Is(err, render.ErrBusy) {
		t.Fatalf("third render with two slots: %v, want ErrBusy", err)
	}
	if j, err := s.Start(ctx, g.request("a0", "k")); err != nil || j != jobs[0] {
		t.Fatalf("joining a running render while full: %v", err)
	}
	close(g.release)
	for _, j := range jobs {
		if _, err := j.Wait(ctx); err != nil {
			t.Fatal(err)
		}
	}
	// Freed: the refused article renders now.
	j, err := s.Start(ctx, g.request("a9", "k"))
	if err != nil {
		t.Fatalf("after the slots were freed: %v", err)
	}
	if _, err := j.Wait(ctx); err != nil {
		t.Fatal(err)
	}
}

func queueing(t *testing.T, s render.Scheduler) {
	g := newGate()
	ctx := context.Background()
	first, err := s.Start(ctx, g.request("a1", "k"))
	if err != nil {
		t.Fatal(err)
	}
	g.waitStarted(t, 1)
	// A caller that queues gives up when its context ends...
	short, cancel := context.WithCancel(ctx)
	cancel()
	req := g.request("a2", "k")
	req.Queue = true
	if _, err := s.Start(short, req); !errors.Is(err, context.Canceled) {
		t.Fatalf("queued with an ended context: %v, want context.Canceled", err)
	}
	// ...and otherwise gets the slot once it is free.
	queued := make(chan *render.Job, 1)
	go func() {
		j, err := s.Start(ctx, req)
		if err != nil {
			t.Errorf("queued caller: %v", err)
		}
		queued <- j
	}()
	select {
	case <-g.started:
		t.Fatal("a queued render started while the only slot was taken")
	case <-time.After(50 * time.Millisecond):
	}
	close(g.release)
	if _, err := first.Wait(ctx); err != nil {
		t.Fatal(err)
	}
	j := <-queued
	if j == nil {
		t.FailNow()
	}
	if m, err := j.Wait(ctx); err != nil || m.ID != "a2" {
		t.Fatalf("queued render: %v, %v", m, err)
	}
}

func detached(t *testing.T, s render.Scheduler) {
	g := newGate()
	ctx, cancel := context.WithCancel(context.Background())
	req := g.request("a1", "k")
	req.Detached = true
	j, err := s.Start(ctx, req)
	if err != nil {
		t.Fatal(err)
	}
	g.waitStarted(t, 1)
	// The caller leaves: the render goes on.
	cancel()
	if _, err := j.Wait(ctx); !errors.Is(err, context.Canceled) {
		t.Fatalf("Wait with an ended context: %v", err)
	}
	close(g.release)
	m, err := j.Wait(context.Background())
	if err != nil || m == nil {
		t.Fatalf("render after its caller left: %v, %v", m, err)
	}
	if e := g.ctxErr.Load(); e != nil {
		t.Fatalf("the render's context ended with its caller's: %v", e)
	}
}

func shutdownWaits(t *testing.T, s render.Scheduler) {
	g := newGate()
	ctx := context.Background()
	if _, err := s.Start(ctx, g.request("a1", "k")); err != nil {
		t.Fatal(err)
	}
	tracked := make(chan struct{})
	var trackedDone atomic.Bool
	s.Track(func() { <-tracked; trackedDone.Store(true) })
	g.waitStarted(t, 1)
	ended, cancel := context.WithCancel(ctx)
	cancel()
	if err := s.Wait(ended); !errors.Is(err, context.Canceled) {
		t.Fatalf("Wait with work running and an ended context: %v", err)
	}
	waited := make(chan error, 1)
	go func() { waited <- s.Wait(ctx) }()
	close(g.release)
	select {
	case err := <-waited:
		t.Fatalf("Wait returned (%v) while tracked work was running", err)
	case <-time.After(50 * time.Millisecond):
	}
	close(tracked)
	if err := <-waited; err != nil {
		t.Fatal(err)
	}
	if !trackedDone.Load() || s.Rendering("a1") {
		t.Fatal("Wait returned before the work ended")
	}
}

func panics(t *testing.T, s render.Scheduler) {
	ctx := context.Background()
	j, err := s.Start(ctx, render.Request{ID: "a1", Key: "k", Render: func(context.Context, *render.Stream) (*render.Manifest, error) {
		panic("bug")
	}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := j.Wait(ctx); !errors.Is(err, render.ErrPanic) {
		t.Fatalf("panicking render: %v, want ErrPanic", err)
	}
	// The slot came back.
	j, err = s.Start(ctx, render.Request{ID: "a2", Key: "k", Render: func(context.Context, *render.Stream) (*render.Manifest, error) {
		return &render.Manifest{ID: "a2"}, nil
	}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := j.Wait(ctx); err != nil {
		t.Fatal(err)
	}
}

// goneFromTheStore: a render of a key that finished, whose audio is then
// not in the store (it was emptied), is rendered again for the next
// caller, not answered with the old result.
func goneFromTheStore(t *testing.T, s render.Scheduler) {
	g := newGate()
	close(g.release)
	ctx := context.Background()
	var gone atomic.Bool
	req := g.request("a1", "k1")
	req.Stored = func(context.Context, *render.Manifest) bool { return !gone.Load() }
	for i := range 2 {
		j, err := s.Start(ctx, req)
		if err != nil {
			t.Fatal(err)
		}
		if m, err := j.Wait(ctx); err != nil || m == nil {
			t.Fatalf("render %d: %v, %v", i+1, m, err)
		}
		if err := s.Wait(ctx); err != nil {
			t.Fatal(err)
		}
		gone.Store(true)
	}
	if n := g.runs.Load(); n != 2 {
		t.Fatalf("%d renders, want 2: the second caller got a result whose audio is gone", n)
	}
}
