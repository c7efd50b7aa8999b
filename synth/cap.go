package synth

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"
	"unicode/utf8"

	"ecouter/audio"
)

// ErrCapped means the day's spending cap is reached: nothing more is sent
// to the paid engine until the next UTC day.
var ErrCapped = errors.New("daily billed-character cap reached")

// CapError is ErrCapped with the time synthesis is allowed again.
type CapError struct {
	Until time.Time // the next UTC midnight
}

func (e *CapError) Error() string {
	return fmt.Sprintf("%v until %s", ErrCapped, e.Until.Format(time.RFC3339))
}

func (e *CapError) Unwrap() error { return ErrCapped }

// DailyCap is a Synthesizer that keeps the characters a paid engine bills
// in one UTC day under a cap. A sentence that would go beyond it is not
// sent (CapError); sentences already cached cost nothing and never reach
// it, so cached audio and cached sentences keep being served. The count is
// the process's: a restart starts the day again from zero.
type DailyCap struct {
	Synthesizer
	max     int64
	now     func() time.Time
	reached func(until time.Time) // told once a day, when the cap is reached

	mu   sync.Mutex
	day  time.Time // UTC midnight starting the day counted
	used int64     // billed (or reserved) characters of that day
	told bool
}

// NewDailyCap wraps syn with a cap of max billed characters a day;
// reached, if not nil, is called once a day when a sentence is refused.
func NewDailyCap(syn Synthesizer, max int64, reached func(until time.Time)) *DailyCap {
	return &DailyCap{Synthesizer: syn, max: max, now: time.Now, reached: reached}
}

// Synthesize reserves the sentence's characters (the estimate of what the
// engine will bill) before sending it, so concurrent sentences cannot
// overshoot together, then settles on what the engine reported billing.
func (d *DailyCap) Synthesize(ctx context.Context, text string) (audio.Clip, error) {
	estimate := int64(utf8.RuneCountInString(text))
	day, err := d.reserve(estimate)
	if err != nil {
		return audio.Clip{}, err
	}
	var u Usage
	clip, err := d.Synthesizer.Synthesize(WithUsage(ctx, &u), text)
	d.settle(day, u.Characters()-estimate)
	return clip, err
}

// Used is what the current UTC day has billed so far.
func (d *DailyCap) Used() int64 {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.rollover()
	return d.used
}

// Exhausted reports whether nothing more can be billed today, and until when.
func (d *DailyCap) Exhausted() (time.Time, bool) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.rollover()
	return d.day.Add(24 * time.Hour), d.used >= d.max
}

func (d *DailyCap) reserve(n int64) (time.Time, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.rollover()
	if d.used+n > d.max {
		until := d.day.Add(24 * time.Hour)
		if !d.told && d.reached != nil {
			d.told = true
			d.reached(until)
		}
		return d.day, &CapError{Until: until}
	}
	d.used += n
	return d.day, nil
}

// settle corrects the reservation by what was really billed, on the day
// it was made.
func (d *DailyCap) settle(day time.Time, delta int64) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.day.Equal(day) {
		d.used = max(0, d.used+delta)
	}
}

func (d *DailyCap) rollover() {
	now := d.now().UTC()
	day := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, time.UTC)
	if !day.Equal(d.day) {
		d.day, d.used, d.told = day, 0, false
	}
}

// Ping checks the wrapped engine, when it can be checked.
func (d *DailyCap) Ping(ctx context.Context) error {
	if p, ok := d.Synthesizer.(interface{ Ping(context.Context) error }); ok {
		return p.Ping(ctx)
	}
	return nil
}
