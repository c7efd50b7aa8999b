package render

import (
	"context"
	"fmt"
	"io"
	"time"

	"ecouter/audio"
	"ecouter/feed"
	"ecouter/render/segment"
	"ecouter/transcript"
)

// assembly is the second stage's result: the article's MP3, its cues and
// what it took.
type assembly struct {
	seg         segment.Article
	sp          *spool // the frames, for the stream and the stored file
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
}

// assemble takes the units in reading order, puts each sentence's pause
// before it, encodes as it goes (the frames reach the stream at once) and
// times every sentence for its cue. The runs plan takes from the previous
// render are put in place without their audio.
func (pl *pipeline) assemble(ctx context.Context, t task, us []unit, runs []segment.Unit, sentences int, prod *production, plan *segment.Plan) (*assembly, error) {
	a := &assembly{seg: segment.Article{Plan: plan}}
	fail := func(err error) (*assembly, error) {
		pl.logEngineError(t.id, err)
		a.close()
		return nil, err
	}
	clip := pl.clipper(ctx, us, prod.target)
	for i := 0; i < len(us); {
		if i > 0 {
			if r := a.seg.Pause(ctx, i, clip); r != nil {
				a.placed(us, i, r)
				for k := i; k < i+len(r.Units); k++ {
					a.progress(t, us, k, sentences)
				}
				i += len(r.Units)
				continue
			}
		}
		r, err := prod.next(ctx, i)
		if err == nil && i == 0 {
			err = a.first(pl.cfg, t, runs, r)
		}
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

// clipper gives the samples of unit u prepared again: what a reused run
// whose frames cannot be read or joined is encoded from.
func (pl *pipeline) clipper(ctx context.Context, us []unit, target float64) func(u int) ([]float32, error) {
	return func(u int) ([]float32, error) {
		r := pl.prepareSentence(ctx, us[u].spoken, target)
		if r.err != nil {
			return nil, &SentenceError{Index: us[u].cue + 1, Err: r.err}
		}
		return r.clip.Samples, nil
	}
}

func (a *assembly) progress(t task, us []unit, i, sentences int) {
	if us[i].last && t.progress != nil {
		t.progress(us[i].cue+1, sentences)
	}
}

// first starts the encoding with the first unit, whose rate sets the
// article's; the frames go to a spool the stream reads.
func (a *assembly) first(cfg Config, t task, runs []segment.Unit, r sentence) error {
	sp, err := newSpool()
	if err != nil {
		return err
	}
	a.sp = sp
	c := segment.Config{Rate: r.clip.Rate, Encode: cfg.Encode, Tags: t.p.tags, Parallel: cfg.Encoders,
		Out: sp, Excerpt: calibrationExcerpt}
	if st := t.st; st != nil {
		c.Wrote = func(head []byte) {
			st.attach(head, sp)
			st.wrote(sp.written())
		}
	}
	return a.seg.Start(c, runs, cfg.Pauses.Lead)
}

// clip adds unit i, prepared as r, after its pause.
func (a *assembly) clip(us []unit, i int, r sentence) error {
	u := us[i]
	enc := &a.seg.Enc
	a.timings.Synthesis += r.synth
	a.timings.Stitch += r.prep
	n := len([]rune(u.spoken))
	a.chars += n
	if !r.cached {
		a.synthChars += n
		a.missed = true
	}
	a.levels = append(a.levels, r.level)
	if r.clip.Rate != enc.Rate() {
		return fmt.Errorf("sentence %d at %d Hz, others at %d Hz", u.cue+1, r.clip.Rate, enc.Rate())
	}
	if u.first {
		a.cues = append(a.cues, transcript.Cue{Block: u.block, Kind: u.kind, Text: u.text, Start: enc.Seconds()})
	}
	a.seg.Clip(r.clip.Samples, r.level)
	if u.last {
		a.cues[len(a.cues)-1].End = enc.Seconds()
		if a.missed {
			a.synthesized++
		}
		a.missed = false
	}
	return nil
}

// placed records what a reused run (from unit i) adds: its cues, levels
// and characters.
func (a *assembly) placed(us []unit, i int, r *segment.Reused) {
	pos := r.At
	rate := float64(a.seg.Enc.Rate())
	for k, ur := range r.Units {
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
		a.levels = append(a.levels, ur.Level())
	}
}

// finish ends the audio with its tail pause and completes the file. The
// chapters need the times, so they go in the stored file's tags only; they
// follow from the narration, already in the content key.
func (a *assembly) finish(tail time.Duration, id string, tags audio.Tags) error {
	enc := &a.seg.Enc
	enc.Silence(tail)
	t := time.Now()
	tags.Chapters = id3Chapters(a.cues, enc.Seconds())
	file, size, err := enc.Finish(tags)
	if err != nil {
		return fmt.Errorf("finish %s: %w", id, err)
	}
	a.file, a.size = file, size
	// Encoding runs alongside synthesis, on every core: the time is the
	// encoders' sum, and the wait for the last segment.
	a.timings.Encode = enc.SpentSeconds() + since(t)
	return nil
}

// close waits for the encoders and releases the assembly's hold on the
// spool (the stream's listeners may hold it longer).
func (a *assembly) close() {
	a.seg.Close()
	if a.sp != nil {
		a.sp.release()
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
