package cluster

import (
	"context"
	"sync/atomic"
	"testing"

	"ecouter/render"
)

// TestClearFinished: a finished render's result stays in its lease for
// followers, so a new render of that key follows it; once the result is
// cleared (the article withdrawn, or stored with another key) a new render
// runs.
func TestClearFinished(t *testing.T) {
	s := newScheduler(t, embeddedNode(t), 2)
	ctx := context.Background()
	var runs atomic.Int32
	start := func() {
		t.Helper()
		j, err := s.Start(ctx, render.Request{ID: "a1", Key: "k", Render: func(context.Context, *render.Stream) (*render.Manifest, error) {
			runs.Add(1)
			return &render.Manifest{ID: "a1", Key: "k"}, nil
		}})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := j.Wait(ctx); err != nil {
			t.Fatal(err)
		}
	}
	start()
	start()
	if n := runs.Load(); n != 1 {
		t.Fatalf("a second render of a finished key within its result's life: %d runs, want 1 (it follows)", n)
	}
	if err := s.ClearFinished(ctx, "a1", "other-key"); err != nil {
		t.Fatal(err)
	}
	start()
	if n := runs.Load(); n != 2 {
		t.Fatalf("after the result was cleared: %d runs, want 2", n)
	}
	if err := s.ClearFinished(ctx, "a1", "k"); err != nil {
		t.Fatal(err)
	}
	start()
	if n := runs.Load(); n != 2 {
		t.Fatalf("the kept key's result was cleared: %d runs, want 2", n)
	}
}
