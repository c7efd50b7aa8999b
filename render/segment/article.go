package segment

import (
	"context"
	"time"

	"ecouter/audio"
)

// Article puts an article's units, each after its pause, into the
// encoder, cutting runs where the rules say and taking the frames of the
// runs Plan has from the previous render; it records the runs for the
// next render's Index.
type Article struct {
	Enc  Encoder
	Plan *Plan // may be nil: every unit is added

	rules   Rules
	runs    []*Run // every run after the first, in order
	cur     *Run   // the run being added; nil in the first
	clipEnd int    // where the last unit's audio ends
	after   bool   // the unit follows a reused run: its pause is half there
	old     *oldAudio
}

// Reused is a run placed from the previous render's frames.
type Reused struct {
	Units []RunUnit // its units: the pause before each, its length, its level
	At    int       // the sample where it starts (its first unit's pause)
}

// Start starts the encoder for the units us (c.Rate is the first unit's
// rate, the article's) and adds the lead silence.
func (a *Article) Start(c Config, us []Unit, lead time.Duration) error {
	if err := a.Enc.Start(c); err != nil {
		return err
	}
	a.rules = NewRules(us, c.Encode, c.Rate)
	if p := a.Plan; p != nil {
		idx := p.prev.Index
		a.old = &oldAudio{open: p.prev.Open, head: idx.Head, rate: idx.Rate, ceiling: p.prev.Ceiling}
	}
	a.Enc.Silence(lead)
	return nil
}

// Pause adds the pause before unit i (i > 0), cutting a run there if one
// starts. If the plan has the run's frames, they are placed instead of
// its units' audio, which is not added: Pause returns what was placed,
// and the next unit is the run's end. clip gives a unit's samples, to
// encode the run again if its frames cannot be read or joined.
func (a *Article) Pause(ctx context.Context, i int, clip func(unit int) ([]float32, error)) *Reused {
	d := a.rules.Pause(i)
	run := a.rules.Starts(i)
	e := &a.Enc
	switch {
	case a.after:
		e.beginRun(a.newRun(i), e.segStart)
	case !a.rules.us[i].First:
		e.Silence(d)
	case run:
		e.Silence(d / 2)
		a.startRun(i)
	default:
		e.Silence(d / 2)
		e.Boundary() // segments are cut in the middle of a pause
	}
	a.after = false
	if old := a.Plan.at(i); old != nil && run && e.rate == a.Plan.prev.Index.Rate {
		if r := a.reuse(ctx, i, old, clip); r != nil {
			return r
		}
	}
	if a.rules.us[i].First {
		e.Silence(d - d/2)
	}
	return nil
}

// startRun ends the run being added (if any) and cuts for the one that
// starts at unit i, in the middle of the pause before it.
func (a *Article) startRun(i int) {
	e := &a.Enc
	e.padToGrid()
	if prev := a.cur; prev != nil {
		prev.Samples = e.total - prev.at
		prev.Tail = e.total - a.clipEnd
		prev.Steps = e.meter.Steps(prev.firstStep)
	}
	e.cutRun(a.newRun(i))
}

// newRun records the run that starts at unit i as the one being added.
func (a *Article) newRun(i int) *Run {
	a.cur = &Run{ID: a.rules.Identity(i, a.rules.End(i))}
	a.runs = append(a.runs, a.cur)
	return a.cur
}

// reuse places the frames of old, the run from unit i, and records it
// for the next render; nil if it cannot be placed.
func (a *Article) reuse(ctx context.Context, i int, old *Run, clip func(unit int) ([]float32, error)) *Reused {
	load := func() (audio.SegmentMP3, error) { return a.old.load(ctx, old) }
	redo := a.Enc.redo(old, func(k int) ([]float32, error) { return clip(i + k) })
	rec := a.cur
	if !a.Enc.reuse(rec, old, load, redo) {
		return nil
	}
	rec.Samples, rec.Tail, rec.Units, rec.Steps = old.Samples, old.Tail, old.Units, old.Steps
	pos := rec.at
	for _, ur := range old.Units {
		pos += ur.Pause + ur.Len
	}
	a.clipEnd = pos
	a.cur, a.after = nil, true
	return &Reused{Units: old.Units, At: rec.at}
}

// Clip adds the samples of the next unit, after its pause (Pause),
// levelled as level says.
func (a *Article) Clip(samples []float32, level audio.NormalizeResult) {
	e := &a.Enc
	if c := a.cur; c != nil {
		c.Units = append(c.Units, newRunUnit(e.total-max(a.clipEnd, c.at), len(samples), level))
	}
	e.Add(samples)
	a.clipEnd = e.total
}

// Close waits for the encoders and closes the previous render's MP3.
func (a *Article) Close() {
	a.Enc.Close()
	if a.old != nil {
		a.old.close()
	}
}
