package synth

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"
	"unicode/utf8"

	"ecouter/audio"
)

// billing bills each sentence's characters, as Polly reports them.
type billing struct{ calls atomic.Int32 }

func (b *billing) Synthesize(ctx context.Context, text string) (audio.Clip, error) {
	b.calls.Add(1)
	AddUsage(ctx, int64(utf8.RuneCountInString(text)))
	return audio.Clip{Rate: 8000, Samples: make([]float32, 80)}, nil
}
func (b *billing) Name() string        { return "billing" }
func (b *billing) Fingerprint() string { return "billing" }

func TestDailyCap(t *testing.T) {
	eng := &billing{}
	var told []time.Time
	d := NewDailyCap(eng, CapConfig{Max: 30, Reached: func(until time.Time) { told = append(told, until) }})
	now := time.Date(2026, 3, 2, 22, 30, 0, 0, time.UTC)
	d.now = func() time.Time { return now }

	var render Usage
	ctx := WithUsage(context.Background(), &render)
	for range 3 {
		if _, err := d.Synthesize(ctx, "dix lettré"); err != nil {
			t.Fatal(err)
		}
	}
	if render.Characters() != 30 || d.Used() != 30 {
		t.Fatalf("render counted %d, cap %d; want 30 both", render.Characters(), d.Used())
	}
	for range 2 {
		_, err := d.Synthesize(ctx, "x")
		var ce *CapError
		if !errors.As(err, &ce) || !errors.Is(err, ErrCapped) || !ce.Until.Equal(time.Date(2026, 3, 3, 0, 0, 0, 0, time.UTC)) {
			t.Fatalf("over the cap: %v", err)
		}
	}
	if eng.calls.Load() != 3 || len(told) != 1 {
		t.Fatalf("engine called %d times, cap told %d times; want 3, once", eng.calls.Load(), len(told))
	}
	if _, ok := d.Exhausted(); !ok {
		t.Fatal("not exhausted")
	}
	now = now.Add(2 * time.Hour) // the next UTC day
	if _, err := d.Synthesize(ctx, "x"); err != nil || d.Used() != 1 {
		t.Fatalf("next day: %v, used %d", err, d.Used())
	}
}

func TestDailyCapConcurrent(t *testing.T) {
	eng := &billing{}
	d := NewDailyCap(eng, CapConfig{Max: 100})
	var wg sync.WaitGroup
	var refused atomic.Int32
	for range 20 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if _, err := d.Synthesize(context.Background(), "0123456789"); errors.Is(err, ErrCapped) {
				refused.Add(1)
			}
		}()
	}
	wg.Wait()
	if eng.calls.Load() != 10 || refused.Load() != 10 || d.Used() != 100 {
		t.Fatalf("%d sent, %d refused, %d billed; want 10, 10, 100", eng.calls.Load(), refused.Load(), d.Used())
	}
}

// failing is a Counter whose store is down.
type failing struct{}

var errDown = errors.New("count store down")

func (failing) Reserve(context.Context, string, int64, int64) (int64, bool, error) {
	return 0, false, errDown
}
func (failing) Add(context.Context, string, int64) (int64, error) { return 0, errDown }
func (failing) Used(context.Context, string) (int64, error)       { return 0, errDown }

// A count that cannot be read or written sends nothing to the paid engine.
func TestDailyCapFailsClosed(t *testing.T) {
	eng := &billing{}
	d := NewDailyCap(eng, CapConfig{Max: 1000, Count: failing{}})
	_, err := d.Synthesize(context.Background(), "une phrase")
	if !errors.Is(err, ErrUnavailable) || !errors.Is(err, errDown) || errors.Is(err, ErrCapped) {
		t.Fatalf("count down: %v; want ErrUnavailable wrapping the cause", err)
	}
	if eng.calls.Load() != 0 {
		t.Fatalf("the engine was called %d times with no count", eng.calls.Load())
	}
	if _, spent := d.Exhausted(); spent {
		t.Fatal("a count that cannot be read says spent: listeners would get spending_cap until midnight")
	}
}

// Two nodes' caps on one count bill the cap together, not each.
func TestDailyCapSharedCount(t *testing.T) {
	count := &MemCounter{}
	a, b := &billing{}, &billing{}
	caps := []*DailyCap{NewDailyCap(a, CapConfig{Max: 100, Count: count}), NewDailyCap(b, CapConfig{Max: 100, Count: count})}
	var wg sync.WaitGroup
	for i := range 40 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, _ = caps[i%2].Synthesize(context.Background(), fmt.Sprintf("phrase %02d", i)) // 9 characters
		}()
	}
	wg.Wait()
	billed := 9 * (a.calls.Load() + b.calls.Load())
	if billed > 100 || billed < 91 {
		t.Fatalf("two nodes billed %d characters under a cap of 100", billed)
	}
	if used := caps[1].Used(); int64(billed) != used {
		t.Fatalf("the other node reads %d billed, want %d", used, billed)
	}
}

// Reserving what is billed and settling on the engine's own count.
func TestDailyCapSettles(t *testing.T) {
	count := &MemCounter{}
	d := NewDailyCap(&billing{}, CapConfig{Max: 100, Count: count})
	d.now = func() time.Time { return time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC) }
	failed := NewDailyCap(failingEngine{}, CapConfig{Max: 100, Count: count})
	failed.now = d.now
	if _, err := failed.Synthesize(context.Background(), "rien de facturé"); err == nil {
		t.Fatal("want the engine's failure")
	}
	if _, err := d.Synthesize(context.Background(), "dix lettré"); err != nil {
		t.Fatal(err)
	}
	if u, _ := count.Used(context.Background(), "2026-03-02"); u != 10 {
		t.Fatalf("count %d; want 10 (a failed sentence gives its reservation back)", u)
	}
}

type failingEngine struct{}

func (failingEngine) Synthesize(context.Context, string) (audio.Clip, error) {
	return audio.Clip{}, ErrEngine
}
func (failingEngine) Name() string        { return "failing" }
func (failingEngine) Fingerprint() string { return "failing" }
