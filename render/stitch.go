package render

import (
	"fmt"
	"time"

	"ecouter/audio"
	"ecouter/script"
)

// Trimming and fades: speech engines pad sentences with uneven silence, so
// it is cut and replaced with deliberate pauses; short fades at every cut
// keep the joins free of clicks.
const (
	trimThresholdDB = -45
	trimMargin      = 30 * time.Millisecond
	fadeIn          = 5 * time.Millisecond
	fadeOut         = 15 * time.Millisecond
)

// line is one sentence to read, with its place in the script.
type line struct {
	block int
	kind  script.Kind
	text  string
	spoke string
}

func lines(sc script.Script) []line {
	var out []line
	for b, blk := range sc.Blocks {
		for _, s := range blk.Sentences {
			out = append(out, line{block: b, kind: blk.Kind, text: s.Text, spoke: s.Spoken})
		}
	}
	return out
}

// stitch joins the sentence clips with pauses and returns the article's
// audio and the time span of every sentence in it.
func stitch(ls []line, clips []audio.Clip, p Pauses) (audio.Clip, []Cue, error) {
	if len(clips) == 0 || len(clips) != len(ls) {
		return audio.Clip{}, nil, fmt.Errorf("stitch: %d clips for %d sentences", len(clips), len(ls))
	}
	rate := clips[0].Rate
	trimmed := make([]audio.Clip, len(clips))
	total := 0
	for i, c := range clips {
		if c.Rate != rate {
			return audio.Clip{}, nil, fmt.Errorf("stitch: sentence %d at %d Hz, others at %d Hz", i+1, c.Rate, rate)
		}
		trimmed[i] = audio.Fade(audio.Trim(c, trimThresholdDB, trimMargin), fadeIn, fadeOut)
		total += len(trimmed[i].Samples)
	}
	samples := func(d time.Duration) int { return int(d.Seconds() * float64(rate)) }
	total += samples(p.Lead) + samples(p.Tail) + len(clips)*samples(p.Title)
	out := make([]float32, 0, total)
	out = append(out, make([]float32, samples(p.Lead))...)
	cues := make([]Cue, len(ls))
	for i, l := range ls {
		if i > 0 {
			prev := ls[i-1]
			out = append(out, make([]float32, samples(p.between(prev.kind, l.kind, prev.block == l.block)))...)
		}
		start := len(out)
		out = append(out, trimmed[i].Samples...)
		cues[i] = Cue{
			Block: l.block, Kind: l.kind, Text: l.text,
			Start: float64(start) / float64(rate),
			End:   float64(len(out)) / float64(rate),
		}
	}
	out = append(out, make([]float32, samples(p.Tail))...)
	return audio.Clip{Rate: rate, Samples: out}, cues, nil
}
