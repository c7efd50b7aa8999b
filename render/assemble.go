package render

import (
	"context"
	"fmt"
	"io"
	"time"

	"ecouter/audio"
	"ecouter/feed"
	"ecouter/transcript"
)

// assembly is the second stage's result: the article's MP3, its cues and
// what it took.
type assembly struct {
	enc         encoding
	cues        []transcript.Cue
	levels      []audio.NormalizeResult
	chars       int // spoken characters
	synthChars  int // of which sent to the backend (not from the cache)
	synthesized int // sentences with at least one piece sent to the backend
	reused      int // sentences whose frames came from the previous render
	missed      bool
	timings     Timings
	file        io.Reader // the stored file: final tags, then the frames
	size        int64

	rules   runRules
	runs    []*runRecord // every run after the first, in order
	cur     *runRecord   // the run being added; nil in the first
	clipEnd int          // where the last unit's audio ends
	old     *oldAudio    // the previous render's MP3, read for reused runs
}

// assemble takes the units in reading order, puts each sentence's pause
// before it, encodes as it goes (the frames reach the stream at once) and
// times every sentence for its cue. The runs plan takes from the previous
// render are put in place without their audio.
func (pl *pipeline) assemble(ctx context.Context, t task, us []unit, keys []string, sentences int, prod *production, plan *reusePlan) (*assembly, error) {
	a := &assembly{enc: encoding{st: t.st}}
	if plan != nil {
		a.old = &oldAudio{st: pl.rec.st, key: t.prev.Audio, head: plan.idx.Head, rate: plan.idx.Rate, ceiling: pl.cfg.CeilingDBTP}
	}
	fail := func(err error) (*assembly, error) {
		pl.logEngineError(t.id, err)
		a.close()
		return nil, err
	}
	after := false // the unit follows a reused run: its pause is half there
	for i := 0; i < len(us); {
		u := us[i]
		if i == 0 {
			r, err := prod.next(ctx, 0)
			if err == nil {
				err = a.first(pl.cfg, t.p.tags, us, keys, r)
			}
			if err != nil {
				return fail(err)
			}
			a.progress(t, us, 0, sentences)
			i++
			continue
		}
		d := a.rules.pause(i)
		run := a.rules.starts(i)
		switch {
		case after:
			a.enc.beginRun(a.newRun(i), a.enc.segStart)
		case !u.first:
			a.enc.silence(d)
		case run:
			a.enc.silence(d / 2)
			a.startRun(i)
		default:
			a.enc.silence(d / 2)
			a.enc.boundary() // segments are cut in the middle of a pause
		}
		after = false
		if old := plan.at(i); old != nil && run && a.enc.rate == plan.idx.Rate {
			j := i + len(old.Units)
			load := func() (audio.SegmentMP3, error) { return a.old.load(ctx, old) }
			if a.enc.reuse(a.cur, old, load, pl.redoRun(ctx, us, i, old, prod.target, &a.enc)) {
				a.placed(us, i, old)
				for k := i; k < j; k++ {
					a.progress(t, us, k, sentences)
				}
				a.cur, after, i = nil, true, j
				continue
			}
		}
		if u.first {
			a.enc.silence(d - d/2)
		}
		r, err := prod.next(ctx, i)
		if err == nil {
			err = a.clip(us, i, r)
		}
		if err != nil {
			return fail(err)
		}
		a.progress(t, us, i, sentences)
		i++
	}
	if err := a.finish(pl.cfg.Pauses.Tail, t.id, t.p.tags); err != nil {
		return fail(err)
	}
	return a, nil
}

func (a *assembly) progress(t task, us []unit, i, sentences int) {
	if us[i].last && t.progress != nil {
		t.progress(us[i].cue+1, sentences)
	}
}

// first starts the encoding with the first unit, whose rate sets the
// article's.
func (a *assembly) first(cfg Config, tags audio.Tags, us []unit, keys []string, r sentence) error {
	if err := a.enc.start(r.clip.Rate, cfg.Encode, tags, cfg.Encoders); err != nil {
		return err
	}
	a.rules = newRunRules(us, keys, cfg, r.clip.Rate)
	a.enc.silence(cfg.Pauses.Lead)
	return a.clip(us, 0, r)
}

// startRun ends the run being added (if any) and cuts for the one that
// starts at unit i, in the middle of the pause before it.
func (a *assembly) startRun(i int) {
	a.enc.padToGrid()
	if prev := a.cur; prev != nil {
		prev.Samples = a.enc.total - prev.at
		prev.Tail = a.enc.total - a.clipEnd
		prev.Steps = a.enc.meter.Steps(prev.firstStep)
	}
	a.enc.cutRun(a.newRun(i))
}

// newRun records the run that starts at unit i as the one being added.
func (a *assembly) newRun(i int) *runRecord {
	a.cur = &runRecord{ID: a.rules.identity(i, a.rules.end(i))}
	a.runs = append(a.runs, a.cur)
	return a.cur
}

// clip adds unit i, prepared as r, after its pause.
func (a *assembly) clip(us []unit, i int, r sentence) error {
	u := us[i]
	a.timings.Synthesis += r.synth
	a.timings.Stitch += r.prep
	n := len([]rune(u.spoken))
	a.chars += n
	if !r.cached {
		a.synthChars += n
		a.missed = true
	}
	a.levels = append(a.levels, r.level)
	if r.clip.Rate != a.enc.rate {
		return fmt.Errorf("sentence %d at %d Hz, others at %d Hz", u.cue+1, r.clip.Rate, a.enc.rate)
	}
	if u.first {
		a.cues = append(a.cues, transcript.Cue{Block: u.block, Kind: u.kind, Text: u.text, Start: a.enc.seconds()})
	}
	if c := a.cur; c != nil {
		c.Units = append(c.Units, newUnitRecord(a.enc.total-max(a.clipEnd, c.at), len(r.clip.Samples), r.level))
	}
	a.enc.add(r.clip.Samples)
	a.clipEnd = a.enc.total
	if u.last {
		a.cues[len(a.cues)-1].End = a.enc.seconds()
		if a.missed {
			a.synthesized++
		}
		a.missed = false
	}
	return nil
}

// placed records what a reused run (old, from unit i) adds: its cues,
// levels and characters, and its record for the next render.
func (a *assembly) placed(us []unit, i int, old *runRecord) {
	rec := a.cur
	rec.Samples, rec.Tail, rec.Units, rec.Steps = old.Samples, old.Tail, old.Units, old.Steps
	pos := rec.at
	rate := float64(a.enc.rate)
	for k, ur := range old.Units {
		u := us[i+k]
		pos += ur.Pause
		if u.first {
			a.cues = append(a.cues, transcript.Cue{Block: u.block, Kind: u.kind, Text: u.text, Start: float64(pos) / rate})
		}
		pos += ur.Len
		if u.last {
			a.cues[len(a.cues)-1].End = float64(pos) / rate
			a.reused++
		}
		a.chars += len([]rune(u.spoken))
		a.levels = append(a.levels, ur.level())
	}
	a.clipEnd = pos
}

// finish ends the audio with its tail pause and completes the file. The
// chapters need the times, so they go in the stored file's tags only; they
// follow from the narration, already in the content key.
func (a *assembly) finish(tail time.Duration, id string, tags audio.Tags) error {
	a.enc.silence(tail)
	t := time.Now()
	tags.Chapters = id3Chapters(a.cues, a.enc.seconds())
	file, size, err := a.enc.finish(tags)
	if err != nil {
		return fmt.Errorf("finish %s: %w", id, err)
	}
	a.file, a.size = file, size
	// Encoding runs alongside synthesis, on every core: the time is the
	// encoders' sum, and the wait for the last segment.
	a.timings.Encode = a.enc.spentSeconds() + since(t)
	return nil
}

func (a *assembly) close() {
	a.enc.close()
	if a.old != nil {
		a.old.close()
	}
}

// id3Chapters are the same chapters as chapters.json: an introduction and
// one per heading.
func id3Chapters(cues []transcript.Cue, duration float64) []audio.Chapter {
	var out []audio.Chapter
	for _, c := range feed.Chapters(cues, duration) {
		out = append(out, audio.Chapter{Title: c.Title, Start: seconds(c.Start), End: seconds(c.End)})
	}
	return out
}

func seconds(s float64) time.Duration { return time.Duration(s * float64(time.Second)) }
