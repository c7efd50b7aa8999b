package render

import (
	"context"
	"errors"
	"testing"
	"time"

	"ecouter/article"
)

// A withdrawal is final for every render asked for before it (a queued
// job, one waiting for a retry): it fails with ErrWithdrawn and the
// article stays withdrawn. Only a render asked for after it ends it.
func TestWithdrawalIsFinalForEarlierRenders(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	if _, err := f.svc.Ensure(ctx, "a1", Options{}); err != nil {
		t.Fatal(err)
	}
	before, err := f.svc.Archive().Asked(ctx, "a1")
	if err != nil || before != "" {
		t.Fatalf("Asked before any withdrawal: %q, %v", before, err)
	}
	if err := f.svc.Archive().Withdraw(ctx, "a1", "test"); err != nil {
		t.Fatal(err)
	}
	withdrawn := func(when string) {
		t.Helper()
		if w, err := f.svc.Archive().Withdrawn(ctx, "a1"); err != nil || w == nil {
			t.Errorf("%s: withdrawal %+v, %v; want one in force", when, w, err)
		}
		if _, err := f.store.Stat(ctx, manifestKey("a1")); err == nil {
			t.Errorf("%s: a manifest is stored", when)
		}
	}
	// The render asked for before the withdrawal runs now.
	if _, err := f.svc.Ensure(ctx, "a1", Options{Force: true, Wait: true, Withdrawal: before}); !errors.Is(err, ErrWithdrawn) {
		t.Errorf("render asked for before the withdrawal: %v, want ErrWithdrawn", err)
	}
	withdrawn("after a render asked for before it")

	// Asked for between two withdrawals: the second is final for it.
	between, _ := f.svc.Archive().Asked(ctx, "a1")
	if err := f.svc.Archive().Withdraw(ctx, "a1", "test again"); err != nil {
		t.Fatal(err)
	}
	if _, err := f.svc.Ensure(ctx, "a1", Options{Force: true, Wait: true, Withdrawal: between}); !errors.Is(err, ErrWithdrawn) {
		t.Errorf("render asked for between two withdrawals: %v, want ErrWithdrawn", err)
	}
	withdrawn("after a render asked for between two withdrawals")

	// Asked for after the last one: the article is back, and a second
	// render asked for at the same time is no failure.
	after, _ := f.svc.Archive().Asked(ctx, "a1")
	for range 2 {
		if _, err := f.svc.Ensure(ctx, "a1", Options{Force: true, Wait: true, Withdrawal: after}); err != nil {
			t.Fatalf("render asked for after the withdrawal: %v", err)
		}
	}
	if w, err := f.svc.Archive().Withdrawn(ctx, "a1"); err != nil || w != nil {
		t.Errorf("withdrawal after the article came back: %+v, %v", w, err)
	}
	// Listeners hear it again.
	if _, err := f.svc.Ensure(ctx, "a1", Options{}); err != nil {
		t.Errorf("listen after the article came back: %v", err)
	}
}

// A render running when the article is withdrawn is cut: Withdraw returns
// once it has stopped, its live stream ends at once with ErrWithdrawn,
// and nothing of it is stored.
func TestWithdrawCutsRunningRender(t *testing.T) {
	f := newFixture(t)
	f.syn.Delay = 300 * time.Millisecond
	f.svc.cfg.Parallel = 1
	ctx := context.Background()
	_, st, err := f.svc.Listen(ctx, "a1")
	if err != nil || st == nil {
		t.Fatalf("Listen: stream %v, %v", st, err)
	}
	r := st.Reader(ctx)
	buf := make([]byte, 1<<10)
	if n, err := r.Read(buf); n == 0 || err != nil {
		t.Fatalf("first read of the stream: %d, %v", n, err)
	}
	if err := f.svc.Archive().Withdraw(ctx, "a1", "test"); err != nil {
		t.Fatal(err)
	}
	if f.svc.Rendering("a1") {
		t.Error("the render still runs after Withdraw returned")
	}
	n, err := r.Read(buf)
	if n != 0 || !errors.Is(err, ErrWithdrawn) {
		t.Errorf("stream after the withdrawal: %d bytes, %v; want none and ErrWithdrawn", n, err)
	}
	if left, err := f.store.List(ctx, "articles/a1/"); err != nil || len(left) != 1 || left[0].Key != withdrawalKey("a1") {
		t.Errorf("left in the article's folder: %+v, %v (want only the withdrawal record)", left, err)
	}
}

// DELETE of an ID neither the store nor the source knows records nothing
// (article.ErrNotFound); an article the source no longer has but whose
// audio is stored is withdrawn (a retraction).
func TestWithdrawUnknownArticle(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	if err := f.svc.Archive().Withdraw(ctx, "never", "test"); !errors.Is(err, article.ErrNotFound) {
		t.Errorf("Withdraw of an unknown ID: %v, want article.ErrNotFound", err)
	}
	if left, err := f.store.List(ctx, "articles/never/"); err != nil || len(left) != 0 {
		t.Errorf("stored for an unknown ID: %+v, %v", left, err)
	}
	if _, err := f.svc.Ensure(ctx, "a1", Options{}); err != nil {
		t.Fatal(err)
	}
	f.src.setFail(article.ErrNotFound)
	if err := f.svc.Archive().Withdraw(ctx, "a1", "retracted"); err != nil {
		t.Errorf("Withdraw of stored audio the source no longer has: %v", err)
	}
	if w, err := f.svc.Archive().Withdrawn(ctx, "a1"); err != nil || w == nil {
		t.Errorf("not withdrawn: %+v, %v", w, err)
	}
	// Withdrawing it again is no error: the store knows it.
	if err := f.svc.Archive().Withdraw(ctx, "a1", "retracted"); err != nil {
		t.Errorf("second Withdraw: %v", err)
	}
	// The source down: a takedown is recorded all the same.
	f.src.setFail(article.ErrUnavailable)
	if err := f.svc.Archive().Withdraw(ctx, "other", "test"); err != nil {
		t.Errorf("Withdraw while the source is down: %v", err)
	}
}
