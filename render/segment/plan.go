package segment

import (
	"math"

	"ecouter/audio"
)

// reuseToleranceLU is how far the loudness offsets of this render may be
// from those the reused frames were levelled with: further, and the
// article is rendered whole, so it never drifts from what a full render
// gives by more than about this.
const reuseToleranceLU = 0.3

// Previous is what a render knows of the one before it.
type Previous struct {
	Index *Index
	// Format is what Index.Format must be for the frames to be reused:
	// the caller's names for the voice, the encoder settings, the level
	// target and so on, at Index.Rate.
	Format string
	Cues   []Cue  // its sentences, timed
	Open   Opener // its MP3
	// Ceiling is the render's true-peak ceiling, for the check of frames
	// written before the index kept their checksums.
	Ceiling float64
}

// Plan is what a render takes from the previous one: for each unit where
// a reused run starts, its record; the units it skips.
type Plan struct {
	prev Previous
	runs map[int]*Run
	skip []bool
}

// NewPlan finds the runs of the previous render the units us have
// unchanged, if its levels are close enough to the current ones (current:
// the total of the offsets a render would level with now). A run whose
// record fails its checks is encoded again, and told to warn. The first
// run (whose encoder makes the stream's header) and the last (which ends
// the stream) are always encoded. nil: nothing to reuse.
func NewPlan(prev Previous, us []Unit, opt audio.EncodeOptions, current float64, warn func(run string, err error)) *Plan {
	idx := prev.Index
	if idx == nil || idx.Format != prev.Format {
		return nil
	}
	if math.Abs(idx.Offsets.Bias+idx.Offsets.Loss-current) > reuseToleranceLU {
		return nil
	}
	byID := make(map[string]*Run, len(idx.Runs))
	for k := range idx.Runs {
		byID[idx.Runs[k].ID] = &idx.Runs[k]
	}
	rules := NewRules(us, opt, idx.Rate)
	byText := newCueIndex(prev.Cues, idx.Rate)
	p := &Plan{prev: prev, runs: map[int]*Run{}, skip: make([]bool, len(us))}
	for i := rules.End(0); i < len(us); {
		j := rules.End(i)
		if rec := byID[rules.Identity(i, j)]; j < len(us) && rec != nil {
			if err := rules.checkRun(i, j, rec, byText); err != nil {
				warn(rec.ID, err)
				i = j
				continue
			}
			p.runs[i] = rec
			for k := i; k < j; k++ {
				p.skip[k] = true
			}
		}
		i = j
	}
	if len(p.runs) == 0 {
		return nil
	}
	return p
}

// Offsets are the loudness corrections the reused frames were levelled
// with: new sentences are levelled the same.
func (p *Plan) Offsets() Offsets { return p.prev.Index.Offsets }

func (p *Plan) at(i int) *Run {
	if p == nil {
		return nil
	}
	return p.runs[i]
}

// Skipped reports whether unit i comes from the previous render's frames:
// it is not synthesised ahead.
func (p *Plan) Skipped(i int) bool { return p != nil && p.skip[i] }
