package render

import (
	"context"
	"errors"
	"fmt"
	"io"
	"testing"

	"ecouter/store"
	"ecouter/synth"
	"ecouter/synth/synthtest"
)

func TestStoredCount(t *testing.T) {
	st, err := store.NewDir(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	// Each opening is the process started again on the same store.
	synthtest.TestCounter(t, func(*testing.T) synth.Counter { return NewStoredCount(st) }, false)
}

// Old days' records go; a store that fails refuses the reservation.
func TestStoredCountKeepsTwoDaysAndFailsClosed(t *testing.T) {
	ctx := context.Background()
	st, err := store.NewDir(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	c := NewStoredCount(st)
	for _, day := range []string{"2026-03-01", "2026-03-02", "2026-03-03"} {
		if _, ok, err := c.Reserve(ctx, day, 10, 100); !ok || err != nil {
			t.Fatal(ok, err)
		}
	}
	infos, _ := st.List(ctx, billingPrefix)
	if len(infos) != 2 || infos[0].Key != "billing/2026-03-02.json" {
		t.Fatalf("records kept: %v; want 2026-03-02 and 2026-03-03", infos)
	}
	down := NewStoredCount(downStore{st})
	if _, ok, err := down.Reserve(ctx, "2026-03-03", 10, 100); ok || !errors.Is(err, store.ErrUnavailable) {
		t.Fatalf("store down: granted %v, %v; want refused with store.ErrUnavailable", ok, err)
	}
}

// downStore is a store whose disk is full: nothing can be written.
type downStore struct{ store.Store }

func (downStore) Put(_ context.Context, key string, _ io.Reader) error {
	return fmt.Errorf("put %s: %w", key, store.ErrUnavailable)
}
