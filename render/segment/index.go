package segment

import (
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"math"
	"time"

	"ecouter/audio"
)

// Index is stored next to a render's MP3: where each run's frames are in
// it, and what the next render needs to put them in another MP3 without
// their audio.
type Index struct {
	// Format names everything global that shapes the frames: the voice,
	// the encoder settings, the input rate, the level target and ceiling,
	// the code's Format (the caller's, see Plan).
	Format string `json:"format"`
	Rate   int    `json:"rate"`
	// Offsets are the loudness corrections the sentences were levelled
	// with (calibration).
	Offsets Offsets `json:"offsets"`
	Head    int64   `json:"head"` // bytes of the ID3 tag before the frames
	Runs    []Run   `json:"runs"`
}

// Offsets are the loudness corrections a render levelled its sentences
// with: the calibration's bias and encoder loss.
type Offsets struct {
	Bias float64 `json:"bias_lu"`
	Loss float64 `json:"encoder_loss_lu"`
}

// Run is the record of one run of a stored render.
type Run struct {
	ID      string    `json:"id"`
	Samples int       `json:"samples"` // from its cut to the next, input samples
	From    int64     `json:"from"`    // stream offset to read from (reservoir frames first)
	Lead    int       `json:"lead"`    // frames from From before its own
	Frames  int       `json:"frames"`
	End     int64     `json:"end"` // stream offset after its last frame
	Units   []RunUnit `json:"units"`
	Tail    int       `json:"tail"`  // samples after its last sentence
	Steps   Steps     `json:"steps"` // its loudness meter's 100 ms sums
	// Sum is the CRC-32C of the stored bytes From to End, and Seal that
	// of the record itself (Seal left out): damage to the MP3 or to the
	// index is found before a frame or a number of it is used (see
	// check.go). Indexes written before them have neither.
	Sum  *uint32 `json:"frames_crc32c,omitempty"`
	Seal *uint32 `json:"crc32c,omitempty"`

	// While rendering: the first step and sample of the run, and where the
	// joiner put it (set by the joiner goroutine, read after it is done).
	firstStep, at, frame int
	mark                 *audio.Mark
}

// RunUnit is one unit of a run: the silence before it, its length, its
// level.
type RunUnit struct {
	Pause int     `json:"pause"`
	Len   int     `json:"len"`
	In    float64 `json:"in"`
	Gain  float64 `json:"gain"`
	Peak  float64 `json:"peak"`
}

// Level is the unit's level as it was measured and corrected.
func (u RunUnit) Level() audio.NormalizeResult {
	if u.In <= -999 {
		return audio.NormalizeResult{InputLUFS: math.Inf(-1), OutputLUFS: math.Inf(-1)}
	}
	return audio.NormalizeResult{InputLUFS: u.In, GainDB: u.Gain, OutputLUFS: u.In + u.Gain, TruePeakDBTP: u.Peak, TargetReached: true}
}

func newRunUnit(pause, n int, l audio.NormalizeResult) RunUnit {
	return RunUnit{Pause: pause, Len: n, In: finite(l.InputLUFS), Gain: finite(l.GainDB), Peak: finite(l.TruePeakDBTP)}
}

// finite keeps -Inf (a silent unit) out of JSON, which cannot hold it.
func finite(v float64) float64 {
	if math.IsInf(v, 0) || math.IsNaN(v) {
		return -999
	}
	return v
}

// Steps are float64 sums stored as float32, base64: a tenth of the JSON.
type Steps []float64

func (s Steps) MarshalJSON() ([]byte, error) {
	b := make([]byte, 4*len(s))
	for i, v := range s {
		binary.LittleEndian.PutUint32(b[4*i:], math.Float32bits(float32(v)))
	}
	return json.Marshal(base64.StdEncoding.EncodeToString(b))
}

func (s *Steps) UnmarshalJSON(data []byte) error {
	var str string
	if err := json.Unmarshal(data, &str); err != nil {
		return err
	}
	b, err := base64.StdEncoding.DecodeString(str)
	if err != nil || len(b)%4 != 0 {
		return fmt.Errorf("loudness steps: not base64 float32s")
	}
	out := make(Steps, len(b)/4)
	for i := range out {
		out[i] = float64(math.Float32frombits(binary.LittleEndian.Uint32(b[4*i:])))
	}
	*s = out
	return nil
}

// Index describes the runs of the article written, for the next render;
// nil if it has no runs. format is Index.Format for the article's rate.
// The first run and the last are left out (always encoded), as are runs
// too long to be encoded again whole.
func (a *Article) Index(format string, used Offsets) *Index {
	if a.rules.need == 0 {
		return nil
	}
	e := &a.Enc
	idx := &Index{Format: format, Rate: e.rate, Head: e.headBytes, Offsets: used}
	maxSamples := int(maxRunReused.Seconds()) * e.rate
	for k := 0; k+1 < len(a.runs); k++ {
		r, next := a.runs[k], a.runs[k+1]
		if r.mark == nil || next.mark == nil || len(r.Units) == 0 || r.Samples <= 0 || r.Samples > maxSamples {
			continue
		}
		r.From, r.Lead, r.Frames, r.End = r.mark.From, r.mark.Lead, next.mark.Frame-r.mark.Frame, next.mark.At
		// The stream's bytes from From on are the stored file's after its
		// tag (the placeholder the Info frame replaces comes before).
		b := make([]byte, r.End-r.From)
		if _, err := e.out.ReadAt(b, r.From); err != nil {
			continue
		}
		rec := *r
		sum := crc(b)
		rec.Sum = &sum
		rec.Reseal()
		idx.Runs = append(idx.Runs, rec)
	}
	return idx
}

// maxRunReused is the longest run whose frames are reused: a run that
// cannot be joined is encoded again from its sentences, whole.
const maxRunReused = 90 * time.Second
