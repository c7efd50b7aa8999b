package render

import (
	"time"

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
