package render

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"testing"
	"time"

	"ecouter/article"
)

func TestWithdraw(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	m, err := f.svc.Ensure(ctx, "a1", Options{})
	if err != nil {
		t.Fatal(err)
	}
	if err := f.svc.Archive().Withdraw(ctx, "a1", "test"); err != nil {
		t.Fatal(err)
	}
	// Everything of it answers ErrWithdrawn at once, without asking the
	// source (which still has it: the CMS withdrew it by hand).
	fetches := f.src.fetches
	if _, err := f.svc.Ensure(ctx, "a1", Options{}); !errors.Is(err, ErrWithdrawn) {
		t.Errorf("Ensure after Withdraw: %v", err)
	}
	if _, _, err := f.svc.Listen(ctx, "a1"); !errors.Is(err, ErrWithdrawn) {
		t.Errorf("Listen after Withdraw: %v", err)
	}
	if _, err := f.svc.Archive().Manifest(ctx, "a1"); !errors.Is(err, ErrWithdrawn) {
		t.Errorf("Manifest after Withdraw: %v", err)
	}
	if _, err := f.svc.Narrator().Script(ctx, "a1"); !errors.Is(err, ErrWithdrawn) {
		t.Errorf("Script after Withdraw: %v", err)
	}
	if f.src.fetches != fetches {
		t.Errorf("the source was asked %d times for a withdrawn article", f.src.fetches-fetches)
	}
	// Its MP3 is gone from the store, and it is listed nowhere.
	if _, err := f.store.Stat(ctx, m.Audio); err == nil {
		t.Errorf("%s still stored", m.Audio)
	}
	if left, err := f.store.List(ctx, "articles/a1/"); err != nil || len(left) != 1 || left[0].Key != withdrawalKey("a1") {
		t.Errorf("left in the article's folder: %+v, %v (want only the withdrawal record)", left, err)
	}
	if list, err := f.svc.Archive().List(ctx); err != nil || len(list) != 0 {
		t.Errorf("List after Withdraw: %d manifests, %v", len(list), err)
	}

	// Recorded: a new process on the same store keeps it withdrawn.
	svc2 := New(f.src, f.syn, f.store, DefaultConfig(), slog.New(slog.NewTextHandler(io.Discard, nil)), nil)
	if _, err := svc2.Ensure(ctx, "a1", Options{}); !errors.Is(err, ErrWithdrawn) {
		t.Errorf("Ensure in a new process: %v", err)
	}
	if w, err := svc2.Archive().Withdrawn(ctx, "a1"); err != nil || w == nil || w.Reason != "test" {
		t.Errorf("Withdrawn in a new process: %+v %v", w, err)
	}

	// A forced render of the article, public at the source, asked for
	// after the withdrawal, brings it back.
	w, err := svc2.Archive().Asked(ctx, "a1")
	if err != nil || w == "" {
		t.Fatalf("Asked: %q, %v", w, err)
	}
	m2, err := svc2.Ensure(ctx, "a1", Options{Force: true, Wait: true, Withdrawal: w})
	if err != nil {
		t.Fatal(err)
	}
	if got, err := f.svc.Ensure(ctx, "a1", Options{}); err != nil || got.Key != m2.Key {
		t.Errorf("Ensure after the article came back: %v", err)
	}
}

// An article with audio that the source no longer shows (unpublished:
// 401, 403; deleted: 404, 410) is withdrawn at its next check.
func TestRetractionFromSource(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	m, err := f.svc.Ensure(ctx, "a1", Options{})
	if err != nil {
		t.Fatal(err)
	}
	f.src.setFail(article.ErrNotPublic)
	// Within the TTL the stored audio is served without asking.
	if _, err := f.svc.Ensure(ctx, "a1", Options{}); err != nil {
		t.Fatalf("within the TTL: %v", err)
	}
	f.advance(6 * time.Minute)
	if _, err := f.svc.Ensure(ctx, "a1", Options{}); !errors.Is(err, ErrWithdrawn) {
		t.Fatalf("after the TTL, the source refusing: %v, want ErrWithdrawn", err)
	}
	if _, err := f.store.Stat(ctx, m.Audio); err == nil {
		t.Errorf("%s still stored", m.Audio)
	}
	if left, err := f.store.List(ctx, "articles/a1/"); err != nil || len(left) != 1 || left[0].Key != withdrawalKey("a1") {
		t.Errorf("left in the article's folder: %+v, %v (want only the withdrawal record)", left, err)
	}
	// A source that is only down does not take audio down.
	f.src.setFail(nil)
	w, _ := f.svc.Archive().Asked(ctx, "a1")
	if _, err := f.svc.Ensure(ctx, "a1", Options{Force: true, Wait: true, Withdrawal: w}); err != nil {
		t.Fatal(err)
	}
	f.src.setFail(article.ErrUnavailable)
	f.advance(6 * time.Minute)
	if _, err := f.svc.Ensure(ctx, "a1", Options{}); err != nil {
		t.Errorf("source down: %v, want the stored audio", err)
	}
	// With KeepRetracted, a source refusing is only "not found": the
	// audio stays in the store.
	f.src.setFail(nil)
	m, err = f.svc.Ensure(ctx, "a1", Options{Force: true, Wait: true})
	if err != nil {
		t.Fatal(err)
	}
	f.svc.archive.cfg.KeepRetracted = true
	f.src.setFail(article.ErrNotPublic)
	f.advance(6 * time.Minute)
	if _, err := f.svc.Ensure(ctx, "a1", Options{}); errors.Is(err, ErrWithdrawn) || !errors.Is(err, article.ErrNotFound) {
		t.Errorf("KeepRetracted, the source refusing: %v, want not found", err)
	}
	if _, err := f.store.Stat(ctx, m.Audio); err != nil {
		t.Errorf("KeepRetracted: %s removed: %v", m.Audio, err)
	}
	f.svc.archive.cfg.KeepRetracted = false
	// An article never rendered, the source down: only unavailable.
	f.src.setFail(article.ErrUnavailable)
	if _, err := f.svc.Ensure(ctx, "nope", Options{}); errors.Is(err, ErrWithdrawn) || !errors.Is(err, article.ErrUnavailable) {
		t.Errorf("unknown article while the source is down: %v", err)
	}
}
