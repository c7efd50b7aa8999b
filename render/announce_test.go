package render

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"sync"
	"testing"

	"ecouter/article"
)

// announced records the withdrawals announced through WithNotify, and what
// a cache rebuilt on each one would have seen: the article still listed,
// its manifest still there.
type announced struct {
	mu     sync.Mutex
	svc    *Service
	count  int
	listed []bool
}

func (a *announced) notify(ev Event) {
	if ev.Kind != EventWithdrawn {
		return
	}
	ctx := context.Background()
	list, err := a.svc.Archive().List(ctx)
	seen := err != nil
	for _, m := range list {
		seen = seen || m.ID == ev.ID
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	a.count++
	a.listed = append(a.listed, seen)
}

// A withdrawal is announced once, when its audio is gone: the other nodes
// cut theirs on it, and a feed rebuilt on it no longer lists the article.
// It used to be announced twice, the first time with the article still
// listed, so every node cut and rebuilt its caches twice.
func TestWithdrawalAnnouncedOnce(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	ann := &announced{}
	svc := New(f.src, f.syn, f.store, DefaultConfig(), slog.New(slog.NewTextHandler(io.Discard, nil)), nil,
		WithNotify(ann.notify))
	ann.svc = svc
	if _, err := svc.Ensure(ctx, "a1", Options{}); err != nil {
		t.Fatal(err)
	}
	if err := svc.Archive().Withdraw(ctx, "a1", "test"); err != nil {
		t.Fatal(err)
	}
	ann.mu.Lock()
	count, listed := ann.count, ann.listed
	ann.mu.Unlock()
	if count != 1 {
		t.Errorf("withdrawal announced %d times, want once", count)
	}
	for i, seen := range listed {
		if seen {
			t.Errorf("announcement %d: the article still listed", i+1)
		}
	}

	// A retraction (the source no longer shows the article) is one
	// withdrawal too.
	f.src.set("a2", "<p>Une autre phrase.</p>")
	if _, err := svc.Ensure(ctx, "a2", Options{}); err != nil {
		t.Fatal(err)
	}
	f.src.setFail(article.ErrNotPublic)
	if _, err := svc.Ensure(ctx, "a2", Options{Force: true}); !errors.Is(err, ErrWithdrawn) {
		t.Fatalf("retraction: %v, want ErrWithdrawn", err)
	}
	ann.mu.Lock()
	defer ann.mu.Unlock()
	if ann.count != 2 {
		t.Errorf("retraction announced %d times, want once", ann.count-1)
	}
}
