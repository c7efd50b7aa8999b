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
	missed      bool
	timings     Timings
	file        io.Reader // the stored file: final tags, then the frames
	size        int64
}

// assemble takes the units in reading order, puts each sentence's pause
// before it, encodes as it goes (the frames reach the stream at once) and
// times every sentence for its cue.
func (pl *pipeline) assemble(ctx context.Context, t task, us []unit, sentences int, prod *production) (*assembly, error) {
	a := &assembly{enc: encoding{st: t.st}}
	for i, u := range us {
		r, err := prod.next(ctx, i)
		if err == nil {
			err = a.add(pl.cfg, t.p.tags, us, i, r)
		}
		if err != nil {
			pl.logEngineError(t.id, err)
			a.close()
			return nil, err
		}
		if u.last && t.progress != nil {
			t.progress(u.cue+1, sentences)
		}
	}
	if err := a.finish(pl.cfg.Pauses.Tail, t.id, t.p.tags); err != nil {
		a.close()
		return nil, err
	}
	return a, nil
}

// add places unit i, prepared as r, after its pause.
func (a *assembly) add(cfg Config, tags audio.Tags, us []unit, i int, r sentence) error {
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
	switch {
	case i == 0:
		if err := a.enc.start(r.clip.Rate, cfg.Encode, tags, cfg.Encoders); err != nil {
			return err
		}
		a.enc.silence(cfg.Pauses.Lead)
	case r.clip.Rate != a.enc.rate:
		return fmt.Errorf("sentence %d at %d Hz, others at %d Hz", u.cue+1, r.clip.Rate, a.enc.rate)
	case !u.first:
		a.enc.silence(piecePause)
	default:
		// A sentence pause: segments are cut in its middle.
		prev := us[i-1]
		d := cfg.Pauses.between(prev.kind, u.kind, prev.block == u.block)
		a.enc.silence(d / 2)
		a.enc.boundary()
		a.enc.silence(d - d/2)
	}
	if u.first {
		a.cues = append(a.cues, transcript.Cue{Block: u.block, Kind: u.kind, Text: u.text, Start: a.enc.seconds()})
	}
	a.enc.add(r.clip.Samples)
	if u.last {
		a.cues[len(a.cues)-1].End = a.enc.seconds()
		if a.missed {
			a.synthesized++
		}
		a.missed = false
	}
	return nil
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

func (a *assembly) close() { a.enc.close() }

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
