package cluster

import (
	"bytes"
	"context"
	"errors"
	"io"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"ecouter/cluster/natstest"
	"ecouter/render"
	"ecouter/render/rendertest"
)

func TestSchedulerEmbedded(t *testing.T) {
	rendertest.SchedulerContract(t, func(t *testing.T, maxRenders int) render.Scheduler {
		return newScheduler(t, embeddedNode(t), maxRenders)
	})
}

func TestSchedulerCluster(t *testing.T) {
	c := natstest.Start(t, 3)
	rendertest.SchedulerContract(t, func(t *testing.T, maxRenders int) render.Scheduler {
		return newScheduler(t, clusterNodes(t, c, 1)[0], maxRenders)
	})
	t.Run("OneRenderAcrossNodes", func(t *testing.T) { oneRenderAcrossNodes(t, clusterNodes(t, c, 3)) })
	t.Run("Takeover", func(t *testing.T) { takeover(t, clusterNodes(t, c, 2)) })
	t.Run("Relay", func(t *testing.T) { relayed(t, clusterNodes(t, c, 2)) })
	t.Run("TakeoverListeners", func(t *testing.T) { takeoverListeners(t, clusterNodes(t, c, 3)) })
}

func oneRenderAcrossNodes(t *testing.T, nodes []*Node) {
	ctx := context.Background()
	var runs atomic.Int32
	release := make(chan struct{})
	started := make(chan struct{}, 10)
	req := render.Request{ID: "a1", Key: "k1", Render: func(context.Context, *render.Stream) (*render.Manifest, error) {
		runs.Add(1)
		started <- struct{}{}
		<-release
		return &render.Manifest{ID: "a1", Key: "k1"}, nil
	}}
	var scheds []*Scheduler
	for _, n := range nodes {
		scheds = append(scheds, newScheduler(t, n, 4))
	}
	const perNode = 10
	jobs := make(chan *render.Job, perNode*len(nodes))
	var wg sync.WaitGroup
	for _, s := range scheds {
		for range perNode {
			wg.Add(1)
			go func() {
				defer wg.Done()
				j, err := s.Start(ctx, req)
				if err != nil {
					t.Error(err)
					return
				}
				jobs <- j
			}()
		}
	}
	wg.Wait()
	close(jobs)
	<-started
	for _, s := range scheds {
		if !s.Rendering("a1") {
			t.Error("a node does not see the render running elsewhere")
		}
	}
	close(release)
	for j := range jobs {
		m, err := j.Wait(ctx)
		if err != nil || m.Key != "k1" {
			t.Fatalf("waiter: %v, %v", m, err)
		}
	}
	if n := runs.Load(); n != 1 {
		t.Fatalf("%d callers on %d nodes ran %d renders, want 1", perNode*len(nodes), len(nodes), n)
	}
	for _, s := range scheds {
		if s.Rendering("a1") {
			t.Error("Rendering is true after the render was stored")
		}
	}
}

// takeover: the owner's node loses NATS for good mid-render; its lease
// runs out and the follower renders.
func takeover(t *testing.T, nodes []*Node) {
	ctx := context.Background()
	owner, follower := newScheduler(t, nodes[0], 2), newScheduler(t, nodes[1], 2)
	stuck := make(chan struct{})
	defer close(stuck)
	ownerStarted := make(chan struct{})
	_, err := owner.Start(ctx, render.Request{ID: "a1", Key: "k", Render: func(context.Context, *render.Stream) (*render.Manifest, error) {
		close(ownerStarted)
		<-stuck // a render that never ends: its node died
		return nil, errors.New("dead")
	}})
	if err != nil {
		t.Fatal(err)
	}
	<-ownerStarted
	var runs atomic.Int32
	j, err := follower.Start(ctx, render.Request{ID: "a1", Key: "k", Render: func(context.Context, *render.Stream) (*render.Manifest, error) {
		runs.Add(1)
		return &render.Manifest{ID: "a1", Key: "k", Size: 42}, nil
	}})
	if err != nil {
		t.Fatal(err)
	}
	nodes[0].nc.Close() // renewals stop
	wctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	m, err := j.Wait(wctx)
	if err != nil || m.Size != 42 {
		t.Fatalf("follower after the owner died: %v, %v", m, err)
	}
	if runs.Load() != 1 {
		t.Fatalf("follower ran %d renders, want 1", runs.Load())
	}
}

// relayed: a listener on the follower hears the owner's MP3 from its
// first byte, as the owner encodes it.
func relayed(t *testing.T, nodes []*Node) {
	ctx := context.Background()
	owner, follower := newScheduler(t, nodes[0], 2), newScheduler(t, nodes[1], 2)
	mp3 := bytes.Repeat([]byte("ID3frame"), 40000) // 320 kB, several chunks
	pr, pw := io.Pipe()
	oj, err := owner.Start(ctx, render.Request{ID: "a1", Key: "k", Render: func(_ context.Context, st *render.Stream) (*render.Manifest, error) {
		st.Relay(pr) // the test writes the "encoder's" output
		return &render.Manifest{ID: "a1", Key: "k"}, nil
	}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := pw.Write(mp3[:1000]); err != nil {
		t.Fatal(err)
	}
	fj, err := follower.Start(ctx, render.Request{ID: "a1", Key: "k", Render: func(context.Context, *render.Stream) (*render.Manifest, error) {
		t.Error("the follower rendered")
		return nil, errors.New("no")
	}})
	if err != nil {
		t.Fatal(err)
	}
	if fj.Stream() == nil {
		t.Fatal("follower job without a stream")
	}
	got := make(chan []byte, 1)
	rctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	go func() {
		b, err := io.ReadAll(fj.Stream().Reader(rctx))
		if err != nil {
			t.Errorf("follower's stream: %v", err)
		}
		got <- b
	}()
	for off := 1000; off < len(mp3); off += 50000 {
		if _, err := pw.Write(mp3[off:min(off+50000, len(mp3))]); err != nil {
			t.Fatal(err)
		}
	}
	pw.Close()
	if _, err := oj.Wait(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := fj.Wait(ctx); err != nil {
		t.Fatal(err)
	}
	if b := <-got; !bytes.Equal(b, mp3) {
		t.Fatalf("follower heard %d bytes, the owner encoded %d", len(b), len(mp3))
	}
}

// Without NATS a node starts no render (it could duplicate another
// node's): the caller gets render.ErrUnavailable at once.
func TestSchedulerWithoutNATS(t *testing.T) {
	n := embeddedNode(t)
	s := newScheduler(t, n, 2)
	n.nc.Close()
	_, err := s.Start(context.Background(), render.Request{ID: "a1", Key: "k", Render: func(context.Context, *render.Stream) (*render.Manifest, error) {
		t.Error("rendered without NATS")
		return nil, nil
	}})
	if !errors.Is(err, render.ErrUnavailable) {
		t.Fatalf("Start without NATS: %v, want render.ErrUnavailable", err)
	}
	if err := n.Ready(context.Background()); !errors.Is(err, ErrUnreachable) {
		t.Fatalf("Ready without NATS: %v", err)
	}
}
