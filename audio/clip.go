// Package audio holds mono PCM clips and what ecouter does to them: decoding
// (WAV, MP3), trimming, pauses and fades, loudness measurement and
// normalisation, and MP3 encoding with tags. It does no I/O beyond
// io.Reader and io.Writer and imports nothing else of ecouter.
package audio

import "time"

// Clip is mono PCM audio: samples in [-1, 1] at Rate samples per second.
// float32 keeps gain changes and mixing free of clipping until encoding.
type Clip struct {
	Rate    int
	Samples []float32
}

// Duration is the clip's length in time.
func (c Clip) Duration() time.Duration {
	if c.Rate <= 0 {
		return 0
	}
	return time.Duration(len(c.Samples)) * time.Second / time.Duration(c.Rate)
}

// Seconds is the clip's length in seconds, as a float for manifests and cues.
func (c Clip) Seconds() float64 {
	if c.Rate <= 0 {
		return 0
	}
	return float64(len(c.Samples)) / float64(c.Rate)
}
