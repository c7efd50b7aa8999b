package render

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"strconv"
	"time"

	"ecouter/render/segment"
	"ecouter/transcript"
)

// Frame reuse (package segment): an edit re-encodes only the runs of
// sentences it changed; the others' frames are taken from the previous
// render's MP3, found through its segment index (segmentsKey). What the
// runs know of the article is said here: each unit's sentence key and the
// pause before it.

// runUnits describes the units us (with their sentence keys) to the runs:
// the pause before each is its sentence pause, or the breath between the
// pieces of a sentence.
func runUnits(us []unit, keys []string, p Pauses) []segment.Unit {
	out := make([]segment.Unit, len(us))
	for i, u := range us {
		out[i] = segment.Unit{Key: keys[i], Text: u.text, Sentence: u.cue, First: u.first}
		if i > 0 {
			out[i].Pause = unitPause(p, us[i-1], u)
		}
	}
	return out
}

// unitPause is the silence between units prev and u.
func unitPause(p Pauses, prev, u unit) time.Duration {
	if !u.first {
		return piecePause
	}
	return p.between(prev.kind, u.kind, prev.block == u.block)
}

// runCues are the previous render's cues as the runs check them.
func runCues(cues []transcript.Cue) []segment.Cue {
	out := make([]segment.Cue, len(cues))
	for i, c := range cues {
		out[i] = segment.Cue{Text: c.Text, Start: c.Start, End: c.End}
	}
	return out
}

// indexFormat is segment.Index.Format for a render at rate with the voice
// (its fingerprint), the settings and the engine's limit: what shapes the
// frames besides the runs' own content.
func indexFormat(voice string, cfg Config, limit, rate int) string {
	b, _ := json.Marshal([]any{segment.Format, voice, cfg.Encode, rate, cfg.TargetLUFS, cfg.CeilingDBTP,
		strconv.Itoa(limit), trimThresholdDB, trimMargin, fadeIn, fadeOut, piecePause, segment.MinSegment, segment.MaxSegment})
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:12])
}
