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

// piecePause separates the pieces of a sentence cut for the engine: they
// are cut at a comma or a colon where possible, which a reader breathes at.
const piecePause = 150 * time.Millisecond

// unit is what one engine call reads: a sentence, or a piece of one too
// long for the engine. The pieces of a sentence share its cue.
type unit struct {
	cue    int // the sentence's number in reading order
	block  int
	kind   script.Kind
	text   string // the whole sentence as written
	spoken string // what the engine reads
	first  bool   // the sentence's first piece
	last   bool   // its last piece
}

// units lists what the engine reads, in order: every sentence of the
// script, cut into pieces of at most limit characters (0: never cut) the
// way Polly's are, so no single engine call makes unbounded audio.
func units(sc script.Script, limit int) (out []unit, sentences int) {
	for b, blk := range sc.Blocks {
		for _, s := range blk.Sentences {
			pieces := []string{s.Spoken}
			if limit > 0 && len([]rune(s.Spoken)) > limit {
				if c := script.Chunk(s.Spoken, limit); len(c) > 0 {
					pieces = c
				}
			}
			for i, p := range pieces {
				out = append(out, unit{cue: sentences, block: b, kind: blk.Kind, text: s.Text, spoken: p,
					first: i == 0, last: i == len(pieces)-1})
			}
			sentences++
		}
	}
	return out, sentences
}

// cut reports whether any sentence of sc is longer than limit.
func cut(sc script.Script, limit int) bool {
	for _, blk := range sc.Blocks {
		for _, s := range blk.Sentences {
			if limit > 0 && len([]rune(s.Spoken)) > limit {
				return true
			}
		}
	}
	return false
}

// spokenChars counts what the engine would read for sc.
func spokenChars(sc script.Script) int {
	n := 0
	for _, blk := range sc.Blocks {
		for _, s := range blk.Sentences {
			n += len([]rune(s.Spoken))
		}
	}
	return n
}
