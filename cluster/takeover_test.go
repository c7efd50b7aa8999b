package cluster

import (
	"bytes"
	"context"
	"errors"
	"io"
	"testing"
	"time"

	"ecouter/render"
)

// takeoverListeners: the owner dies mid-render; the node that takes over
// renders without a live stream. The listeners of that node (who heard
// the dead owner's relay) and of a third node following the takeover get
// render.ErrNoLiveStream, which the API answers with the stored file,
// never an unexplained error (issue 19's 500 "the render was taken over:
// no live stream"); every waiter gets the manifest.
func takeoverListeners(t *testing.T, nodes []*Node) {
	ctx := context.Background()
	owner, taker, third := newScheduler(t, nodes[0], 2), newScheduler(t, nodes[1], 2), newScheduler(t, nodes[2], 2)
	pr, pw := io.Pipe()
	defer pw.Close()
	_, err := owner.Start(ctx, render.Request{ID: "a1", Key: "k", Render: func(_ context.Context, st *render.Stream) (*render.Manifest, error) {
		st.Relay(pr) // the dead owner's first bytes, then nothing
		return nil, errors.New("dead")
	}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := pw.Write(bytes.Repeat([]byte("x"), 1000)); err != nil {
		t.Fatal(err)
	}
	takerStarted, release := make(chan struct{}), make(chan struct{})
	tj, err := taker.Start(ctx, render.Request{ID: "a1", Key: "k", Render: func(_ context.Context, st *render.Stream) (*render.Manifest, error) {
		if st != nil {
			t.Error("a render taken over was given a stream")
		}
		close(takerStarted)
		<-release
		return &render.Manifest{ID: "a1", Key: "k", Size: 42}, nil
	}})
	if err != nil {
		t.Fatal(err)
	}
	nodes[0].nc.Close() // the owner's renewals stop: its lease runs out
	select {
	case <-takerStarted:
	case <-time.After(60 * time.Second):
		t.Fatal("no takeover after 60 s")
	}
	thj, err := third.Start(ctx, render.Request{ID: "a1", Key: "k", Render: func(context.Context, *render.Stream) (*render.Manifest, error) {
		t.Error("the third node rendered")
		return nil, errors.New("no")
	}})
	if err != nil {
		t.Fatal(err)
	}
	rctx, cancel := context.WithTimeout(ctx, 60*time.Second)
	defer cancel()
	for name, j := range map[string]*render.Job{"taker": tj, "third": thj} {
		if j.Stream() == nil {
			t.Fatalf("%s: no stream", name)
		}
		if _, err := io.ReadAll(j.Stream().Reader(rctx)); !errors.Is(err, render.ErrNoLiveStream) {
			t.Errorf("%s's listeners: %v, want render.ErrNoLiveStream", name, err)
		}
	}
	close(release)
	for name, j := range map[string]*render.Job{"taker": tj, "third": thj} {
		if m, err := j.Wait(rctx); err != nil || m.Size != 42 {
			t.Errorf("%s's waiters: %v, %v", name, m, err)
		}
	}
}
