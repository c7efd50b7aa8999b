package render

import (
	"context"
	"testing"
)

// TestCached: Cached answers what Listen would at once (the manifest
// checked within the TTL) and nothing once the check is stale, the
// article withdrawn or forgotten (another node changed it), so a fast path
// built on it never serves what a full check would not.
func TestCached(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	if m := f.svc.Cached("a1"); m != nil {
		t.Fatalf("Cached before any render: %+v", m)
	}
	m, err := f.svc.Ensure(ctx, "a1", Options{})
	if err != nil {
		t.Fatal(err)
	}
	if got := f.svc.Cached("a1"); got == nil || got.Key != m.Key || got.Audio != m.Audio {
		t.Fatalf("Cached after a render: %+v, want key %s", got, m.Key)
	}
	if got := f.svc.Cached("../a1"); got != nil {
		t.Fatalf("Cached of an invalid ID: %+v", got)
	}

	f.advance(DefaultArticleTTL)
	if got := f.svc.Cached("a1"); got != nil {
		t.Fatalf("Cached after the TTL: %+v", got)
	}
	// A full check renews it (same audio: the article did not change).
	if _, _, err := f.svc.Listen(ctx, "a1"); err != nil {
		t.Fatal(err)
	}
	if got := f.svc.Cached("a1"); got == nil || got.Key != m.Key {
		t.Fatalf("Cached after a new check: %+v", got)
	}

	f.svc.Archive().Forget("a1")
	if got := f.svc.Cached("a1"); got != nil {
		t.Fatalf("Cached after Forget: %+v", got)
	}
	if _, err := f.svc.Ensure(ctx, "a1", Options{}); err != nil {
		t.Fatal(err)
	}
	// A re-render of an edited article replaces it with the new render.
	f.src.set("a1", "<p>Une tout autre phrase.</p>")
	m2, err := f.svc.Ensure(ctx, "a1", Options{Force: true, Wait: true})
	if err != nil {
		t.Fatal(err)
	}
	if m2.Key == m.Key {
		t.Fatal("the edit did not change the key")
	}
	if got := f.svc.Cached("a1"); got == nil || got.Key != m2.Key {
		t.Fatalf("Cached after a re-render: %+v, want key %s", got, m2.Key)
	}

	if err := f.svc.Archive().Withdraw(ctx, "a1", "test"); err != nil {
		t.Fatal(err)
	}
	if got := f.svc.Cached("a1"); got != nil {
		t.Fatalf("Cached after Withdraw: %+v", got)
	}
}
