package article

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"
)

// countingSource knows one article and counts what it is asked.
type countingSource struct {
	mu    sync.Mutex
	asked map[string]int
	known map[string]bool
}

func (c *countingSource) Article(_ context.Context, id string) (*Article, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.asked[id]++
	if c.known[id] {
		return &Article{ID: id, Title: "Titre"}, nil
	}
	return nil, fmt.Errorf("no %s: %w", id, ErrNotFound)
}

func TestNotFoundMemory(t *testing.T) {
	src := &countingSource{asked: map[string]int{}, known: map[string]bool{"ok": true}}
	m := RememberNotFound(src, time.Minute)
	now := time.Date(2026, 3, 2, 8, 0, 0, 0, time.UTC)
	m.now = func() time.Time { return now }
	ctx := context.Background()

	for range 20 {
		if _, err := m.Article(ctx, "unknown"); !errors.Is(err, ErrNotFound) {
			t.Fatalf("got %v, want ErrNotFound", err)
		}
	}
	for range 3 {
		if _, err := m.Article(ctx, "ok"); err != nil {
			t.Fatal(err)
		}
	}
	if src.asked["unknown"] != 1 || src.asked["ok"] != 3 {
		t.Fatalf("source asked %v; want unknown once, found articles every time", src.asked)
	}
	now = now.Add(time.Minute)
	m.Article(ctx, "unknown")
	if src.asked["unknown"] != 2 {
		t.Fatalf("after the TTL the source is asked again: %v", src.asked)
	}
	// Published meanwhile: Forget (a CMS hook) makes the next request ask.
	src.known["unknown"] = true
	m.Forget("unknown")
	if _, err := m.Article(ctx, "unknown"); err != nil {
		t.Fatalf("after Forget: %v", err)
	}

	off := RememberNotFound(src, 0)
	off.Article(ctx, "other")
	off.Article(ctx, "other")
	if src.asked["other"] != 2 {
		t.Fatalf("a TTL of 0 remembers nothing: %v", src.asked)
	}
}

func TestNotFoundMemoryIsBounded(t *testing.T) {
	src := &countingSource{asked: map[string]int{}}
	m := RememberNotFound(src, time.Hour)
	for i := range maxRemembered + 500 {
		m.Article(context.Background(), fmt.Sprint("id-", i))
	}
	if n := len(m.unknown); n > maxRemembered {
		t.Fatalf("%d IDs remembered, at most %d allowed", n, maxRemembered)
	}
}

type sourceFunc func(ctx context.Context, id string) (*Article, error)

func (f sourceFunc) Article(ctx context.Context, id string) (*Article, error) { return f(ctx, id) }

// An article the source excludes from audio is remembered as excluded, not
// as merely unknown: the client is told the same reason each time.
func TestNotFoundMemoryKeepsExcluded(t *testing.T) {
	var asked int
	src := sourceFunc(func(_ context.Context, id string) (*Article, error) {
		asked++
		return nil, fmt.Errorf("post %s: %w", id, ErrExcluded)
	})
	m := RememberNotFound(src, time.Minute)
	for i := range 3 {
		if _, err := m.Article(context.Background(), "42"); !errors.Is(err, ErrExcluded) {
			t.Fatalf("request %d: got %v, want ErrExcluded", i, err)
		}
	}
	if asked != 1 {
		t.Errorf("source asked %d times, want once", asked)
	}
}
