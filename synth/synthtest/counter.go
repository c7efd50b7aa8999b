package synthtest

import (
	"context"
	"sync"
	"sync/atomic"
	"testing"

	"ecouter/synth"
)

// TestCounter is the contract every synth.Counter keeps. open returns a
// counter on the same count each time it is called: another node, or the
// process after a restart. With sideBySide, counters open at once share
// the count under concurrency too (a cluster's); without, only one is
// used at a time (a process alone and its next start).
func TestCounter(t *testing.T, open func(t *testing.T) synth.Counter, sideBySide bool) {
	ctx := context.Background()
	t.Run("ReserveUnderMax", func(t *testing.T) {
		c := open(t)
		day := "2026-03-02"
		if u, err := c.Used(ctx, day); err != nil || u != 0 {
			t.Fatalf("a new day: %d, %v; want 0", u, err)
		}
		for _, step := range []struct {
			n, used int64
			ok      bool
		}{{40, 40, true}, {70, 40, false}, {60, 100, true}, {1, 100, false}} {
			used, ok, err := c.Reserve(ctx, day, step.n, 100)
			if err != nil || ok != step.ok || used != step.used {
				t.Fatalf("reserve %d: %d, %v, %v; want %d, %v", step.n, used, ok, err, step.used, step.ok)
			}
		}
		if u, err := c.Add(ctx, day, -30); err != nil || u != 70 {
			t.Fatalf("give 30 back: %d, %v; want 70", u, err)
		}
		if u, err := c.Add(ctx, day, 45); err != nil || u != 115 {
			t.Fatalf("a bill over its estimate counts beyond the cap: %d, %v; want 115", u, err)
		}
		if u, err := c.Add(ctx, day, -500); err != nil || u != 0 {
			t.Fatalf("never below zero: %d, %v", u, err)
		}
		if u, err := c.Used(ctx, "2026-03-03"); err != nil || u != 0 {
			t.Fatalf("the next day starts at %d, %v", u, err)
		}
	})
	t.Run("KeptAcrossOpenings", func(t *testing.T) {
		day := "2026-03-04"
		if _, ok, err := open(t).Reserve(ctx, day, 25, 100); !ok || err != nil {
			t.Fatalf("reserve: %v, %v", ok, err)
		}
		c := open(t)
		if u, err := c.Used(ctx, day); err != nil || u != 25 {
			t.Fatalf("opened again: %d, %v; want 25", u, err)
		}
		if used, ok, err := c.Reserve(ctx, day, 80, 100); ok || err != nil || used != 25 {
			t.Fatalf("opened again, over the cap: %d, %v, %v; want refused at 25", used, ok, err)
		}
	})
	t.Run("Concurrent", func(t *testing.T) {
		day := "2026-03-05"
		cs := []synth.Counter{open(t)}
		if sideBySide {
			cs = append(cs, open(t))
		}
		var wg sync.WaitGroup
		var granted atomic.Int64
		for i := range 20 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				_, ok, err := cs[i%len(cs)].Reserve(ctx, day, 10, 100)
				if err != nil {
					t.Error(err)
				}
				if ok {
					granted.Add(1)
				}
			}()
		}
		wg.Wait()
		if u, err := cs[0].Used(ctx, day); granted.Load() != 10 || u != 100 || err != nil {
			t.Fatalf("%d of 20 reservations of 10 granted under 100, count %d (%v); want 10, 100", granted.Load(), u, err)
		}
	})
}
