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

// CapConfig is a DailyCap's settings.
type CapConfig struct {
	Max int64 // billed characters a UTC day
	// Count is where the day's count lives, shared by every node billing
	// the same account; nil: a MemCounter, this process's alone.
	Count Counter
	// Reached, if not nil, is told once a day (per process) when a
	// sentence is refused.
	Reached func(until time.Time)
	// Failed, if not nil, is told when the count could not be corrected
	// after a sentence was billed (the reservation stays counted).
	Failed func(err error)
}

// DailyCap is a Synthesizer that keeps the characters a paid engine bills
// in one UTC day under a cap. A sentence that would go beyond it is not
// sent (CapError); sentences already cached cost nothing and never reach
// it, so cached audio and cached sentences keep being served.
//
// Each sentence reserves its characters in the shared Counter before it is
// sent and settles on what the engine reported after, so every node
// together bills at most the cap plus the difference between estimates and
// bills of the sentences in flight when it was reached. When the count
// cannot be read or written the sentence is not sent: a paid engine fails
// closed (503), it never bills blind.
type DailyCap struct {
	Synthesizer
	cfg CapConfig
	now func() time.Time

	mu     sync.Mutex
	told   string    // the day Reached was told
	seen   string    // the day of the last count seen
	used   int64     // the last count seen, for Exhausted and the metric
	seenAt time.Time // when it was seen
}

// NewDailyCap wraps syn in cfg's cap.
func NewDailyCap(syn Synthesizer, cfg CapConfig) *DailyCap {
	if cfg.Count == nil {
		cfg.Count = &MemCounter{}
	}
	return &DailyCap{Synthesizer: syn, cfg: cfg, now: time.Now}
}

// countTimeout bounds one read or update of the shared count.
const countTimeout = 5 * time.Second

// Synthesize reserves the sentence's characters (the estimate of what the
// engine will bill) before sending it, so concurrent sentences, on this
// node and on others, cannot overshoot together, then settles on what the
// engine reported billing.
func (d *DailyCap) Synthesize(ctx context.Context, text string) (audio.Clip, error) {
	estimate := int64(utf8.RuneCountInString(text))
	day := Day(d.now())
	rctx, cancel := context.WithTimeout(ctx, countTimeout)
	used, ok, err := d.cfg.Count.Reserve(rctx, day, estimate, d.cfg.Max)
	cancel()
	if err != nil {
		return audio.Clip{}, fmt.Errorf("reserve %d characters under the spending cap: %w: %w", estimate, err, ErrUnavailable)
	}
	d.saw(day, used)
	if !ok {
		until := nextDay(day)
		d.tell(day, until)
		return audio.Clip{}, &CapError{Until: until}
	}
	var u Usage
	clip, err := d.Synthesizer.Synthesize(WithUsage(ctx, &u), text)
	if delta := u.Characters() - estimate; delta != 0 {
		// The engine has billed (or not) whether or not the render is
		// still wanted: the count follows it.
		sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), countTimeout)
		used, serr := d.cfg.Count.Add(sctx, day, delta)
		cancel()
		if serr == nil {
			d.saw(day, used)
		} else if d.cfg.Failed != nil {
			d.cfg.Failed(fmt.Errorf("settle %d characters of the spending cap: %w", delta, serr))
		}
	}
	return clip, err
}

// staleAfter is how long a count seen stays good for Exhausted and Used:
// a listen that would start a render asks the shared count at most once
// a second per node.
const staleAfter = time.Second

// Used is what the current UTC day has billed so far (with the reservations
// of sentences in flight), over every node sharing the count: the last
// count seen, read again when older than a second. A count that cannot be
// read gives the last one seen.
func (d *DailyCap) Used() int64 {
	used, _ := d.current()
	return used
}

// Exhausted reports whether nothing more can be billed today, and until
// when, from the shared count. A count that cannot be read does not say
// spent: the render it would refuse fails closed at its first sentence.
func (d *DailyCap) Exhausted() (time.Time, bool) {
	used, day := d.current()
	return nextDay(day), used >= d.cfg.Max
}

func (d *DailyCap) current() (int64, string) {
	now := d.now()
	day := Day(now)
	d.mu.Lock()
	if d.seen == day && now.Sub(d.seenAt) < staleAfter {
		defer d.mu.Unlock()
		return d.used, day
	}
	d.mu.Unlock()
	ctx, cancel := context.WithTimeout(context.Background(), countTimeout)
	defer cancel()
	used, err := d.cfg.Count.Used(ctx, day)
	if err != nil {
		d.mu.Lock()
		defer d.mu.Unlock()
		if d.seen != day {
			return 0, day
		}
		return d.used, day
	}
	d.saw(day, used)
	return used, day
}

// saw records a count read or written.
func (d *DailyCap) saw(day string, used int64) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if day < d.seen {
		return // a settlement of yesterday, after midnight
	}
	d.seen, d.used, d.seenAt = day, used, d.now()
}

func (d *DailyCap) tell(day string, until time.Time) {
	d.mu.Lock()
	first := d.told != day
	d.told = day
	d.mu.Unlock()
	if first && d.cfg.Reached != nil {
		d.cfg.Reached(until)
	}
}

// nextDay is the UTC midnight ending day.
func nextDay(day string) time.Time {
	t, err := time.Parse(time.DateOnly, day)
	if err != nil {
		panic(fmt.Sprintf("synth: bad day %q", day)) // Day made it
	}
	return t.Add(24 * time.Hour)
}

// Ping checks the wrapped engine, when it can be checked.
func (d *DailyCap) Ping(ctx context.Context) error {
	if p, ok := d.Synthesizer.(interface{ Ping(context.Context) error }); ok {
		return p.Ping(ctx)
	}
	return nil
}
