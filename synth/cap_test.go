package synth

import (
	"context"
	"errors"
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
	d := NewDailyCap(eng, 30, func(until time.Time) { told = append(told, until) })
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
	d := NewDailyCap(eng, 100, nil)
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
