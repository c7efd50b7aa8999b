package render

import (
	"time"

	"ecouter/transcript"
)

// Manifest records one stored render of an article: what was read, how it
// was made and where every sentence falls in the MP3.
type Manifest struct {
	ID        string    `json:"id"`
	Key       string    `json:"key"` // content key: changes whenever the audio would
	Title     string    `json:"title"`
	Author    string    `json:"author,omitempty"`
	URL       string    `json:"url,omitempty"`
	Published time.Time `json:"published,omitzero"`
	Modified  time.Time `json:"modified,omitzero"`
	// Categories come from the source, for feeds by category.
	Categories []string `json:"categories,omitempty"`

	Audio       string  `json:"audio"` // store key of the MP3
	Size        int64   `json:"size"`
	Duration    float64 `json:"duration"` // seconds
	Backend     string  `json:"backend"`
	Voice       string  `json:"voice"` // the backend's fingerprint: voice and settings
	Characters  int     `json:"characters"`
	Sentences   int     `json:"sentences"`
	Synthesized int     `json:"synthesized"` // sentences sent to the backend (the rest came from the sentence cache)
	// Reused sentences were neither synthesised nor encoded: their MP3
	// frames came from the previous render (an edit elsewhere).
	Reused int `json:"reused_sentences,omitempty"`
	// BilledCharacters is what the backend charged for this render (Polly's
	// x-amzn-RequestCharacters); 0 for free engines and cached sentences.
	BilledCharacters int64 `json:"billed_characters"`
	Requests         int64 `json:"backend_requests"`

	RenderedAt    time.Time `json:"rendered_at"`
	RenderSeconds float64   `json:"render_seconds"`
	Timings       Timings   `json:"timings"`
	Loudness      Loudness  `json:"loudness"`

	Cues []transcript.Cue `json:"cues"`

	// Previous is the audio of the render before this one, kept
	// KeepPrevious so that listeners who started it can finish. It stays
	// named here once the collection has removed it.
	Previous string `json:"previous,omitempty"`
}

// Timings is the work done by stage, in seconds. Stages overlap (sentences
// are synthesised and levelled in parallel while earlier ones are encoded),
// so they add up to more than RenderSeconds.
type Timings struct {
	Fetch     float64 `json:"fetch"`
	Synthesis float64 `json:"synthesis"`
	Stitch    float64 `json:"stitch"`
	Loudness  float64 `json:"loudness"`
	Encode    float64 `json:"encode"`
	Store     float64 `json:"store"`
}

// Loudness is what normalisation measured and did.
type Loudness struct {
	InputLUFS  float64 `json:"input_lufs"`     // mean of the sentences as synthesised
	GainDB     float64 `json:"gain_db"`        // mean gain applied to sentences
	OutputLUFS float64 `json:"output_lufs"`    // the whole article's PCM, as measured
	MP3LUFS    float64 `json:"mp3_lufs"`       // the same less the encoder's measured loss
	TruePeak   float64 `json:"true_peak_dbtp"` // highest sentence true peak
}
