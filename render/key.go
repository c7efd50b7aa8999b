package render

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"time"

	"ecouter/audio"
	"ecouter/script"
)

// pipelineVersion changes whenever the pipeline's own code changes the
// audio (trimming, stitching, loudness), so old renders are redone.
const pipelineVersion = "1"

// keyInput is everything that changes the MP3's bytes. Tags are in it
// because they are part of the file.
type keyInput struct {
	Version  string
	Voice    string
	Pauses   Pauses
	Target   float64
	Ceiling  float64
	Encode   audio.EncodeOptions
	Tags     audio.Tags
	Blocks   []script.Block
	Trimming [2]float64
	// Cut is the longest piece of a sentence an engine call read, set only
	// when a sentence was cut (so the keys of other articles stay as they
	// were).
	Cut int `json:",omitempty"`
}

// contentKey derives the render's content key: a hash of the narration,
// the backend's fingerprint and every setting of the pipeline.
func contentKey(cfg Config, voice string, tags audio.Tags, sc script.Script, cut int) string {
	in := keyInput{
		Version:  pipelineVersion,
		Voice:    voice,
		Pauses:   cfg.Pauses,
		Target:   cfg.TargetLUFS,
		Ceiling:  cfg.CeilingDBTP,
		Encode:   cfg.Encode,
		Tags:     tags,
		Blocks:   sc.Blocks,
		Trimming: [2]float64{trimThresholdDB, trimMargin.Seconds()},
		Cut:      cut,
	}
	b, err := json.Marshal(in)
	if err != nil {
		// Every field is plain data: this cannot fail.
		panic("render: marshal key input: " + err.Error())
	}
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:16])
}

// date renders an article date for the ID3 tag.
func date(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format("2006-01-02")
}
