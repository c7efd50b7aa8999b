package render

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"math"
	"strconv"
	"time"

	"ecouter/audio"
	"ecouter/transcript"
)

// Runs: so that an edit re-encodes only what it changed, the article is
// cut into runs of sentences at places chosen by the content alone (a
// hash of the sentence a run starts with), not by length: an edit that
// lengthens one sentence then moves no cut but those around it. Each cut
// falls in the middle of a sentence pause, padded to the MP3 frame grid,
// and the encoder windows on either side of it hold only silence, so a
// run's frames depend on nothing but its own sentences, their levels and
// pauses. A render stores, next to its MP3, where each run's frames are
// (segmentIndex); the next render of the article takes the frames of every
// run it has unchanged from that MP3 instead of synthesising, levelling and
// encoding it again. Inside a run, segments are cut as before (encoding).
const (
	// runOneIn: a sentence starts a run with a chance of one in runOneIn
	// (besides the second sentence, so that the first is alone and
	// listening starts early). About three sentences, some 15 s, a run.
	runOneIn = 3
	// maxRunReused is the longest run whose frames are reused: a run that
	// cannot be joined is encoded again from its sentences, whole.
	maxRunReused = 90 * time.Second
	// reuseToleranceLU is how far the loudness offsets of this render may
	// be from those the reused frames were levelled with: further, and
	// the article is rendered whole, so it never drifts from what a full
	// render gives by more than about this.
	reuseToleranceLU = 0.3
	// runFormat changes whenever what shapes a run's frames changes in
	// the code (trimming, fades, levelling, segment cuts).
	runFormat = "runs-1"
)

// runRules tell where runs start, for one article at one input rate.
type runRules struct {
	us     []unit
	keys   []string // each unit's sentence key
	pauses Pauses
	rate   int
	need   int // samples of silence needed on each side of a cut; 0: no runs
	// gridIn input samples are gridFrames MP3 frames: a run's length in
	// both (runs start and end on the grid).
	gridIn, gridFrames int
}

// newRunRules works out the silence a cut needs at rate: lame's delay and
// the encoders' context on either side, and the padding to the frame grid.
// A coarse grid (an input rate that does not divide the output's well)
// would pad pauses audibly: such articles get no runs.
func newRunRules(us []unit, keys []string, cfg Config, rate int) runRules {
	r := runRules{us: us, keys: keys, pauses: cfg.Pauses, rate: rate}
	if rate <= 0 || cfg.Encode.Validate() != nil {
		return r
	}
	gridIn, gridFrames := audio.SegmentGrid(rate, cfg.Encode)
	if gridIn > rate/25 {
		return r
	}
	out := cfg.Encode.SampleRate
	if out == 0 {
		out = audio.DefaultSampleRate
	}
	r.gridIn, r.gridFrames = gridIn, gridFrames
	context := (audio.SegmentContext + gridFrames - 1) / gridFrames * gridFrames
	r.need = lameDelay*rate/out + context/gridFrames*gridIn + gridIn
	return r
}

func (r runRules) samples(d time.Duration) int { return int(d.Seconds() * float64(r.rate)) }

// pause is the silence before unit i (i > 0): a sentence pause, or the
// breath between the pieces of a sentence.
func (r runRules) pause(i int) time.Duration {
	u, prev := r.us[i], r.us[i-1]
	if !u.first {
		return piecePause
	}
	return r.pauses.between(prev.kind, u.kind, prev.block == u.block)
}

// starts reports whether a run starts at unit i.
func (r runRules) starts(i int) bool {
	if r.need == 0 || i <= 0 || i >= len(r.us) || !r.us[i].first {
		return false
	}
	d := r.pause(i)
	if r.samples(d/2) < r.need || r.samples(d-d/2) < r.need {
		return false
	}
	return r.us[i].cue == 1 || selected(r.keys[i])
}

// end is where the run starting at i ends: the next run's first unit, or
// len(us).
func (r runRules) end(i int) int {
	j := i + 1
	for j < len(r.us) && !r.starts(j) {
		j++
	}
	return j
}

// selected tells, from a sentence key (a hash), whether a run starts there.
func selected(key string) bool {
	sum := sha256.Sum256([]byte(key))
	return binary.BigEndian.Uint16(sum[:])%runOneIn == 0
}

// identity names the content of the run of units i to j (exclusive): its
// sentences, their pauses, the half pauses at its ends, the level target
// and what else shapes its frames (format, in the segment index).
func (r runRules) identity(i, j int) string {
	h := sha256.New()
	d := r.pause(i)
	fmt.Fprintf(h, "%s\x00%d\x00", runFormat, d-d/2)
	for k := i; k < j; k++ {
		if k > i {
			fmt.Fprintf(h, "%d\x00", r.pause(k))
		}
		fmt.Fprintf(h, "%s\x00", r.keys[k])
	}
	if j < len(r.us) {
		fmt.Fprintf(h, "%d", r.pause(j)/2)
	}
	return hex.EncodeToString(h.Sum(nil)[:16])
}

// segmentIndex is stored next to a render's MP3 (segmentsKey): where each
// run's frames are in it, and what the next render needs to put them in
// another MP3 without their audio.
type segmentIndex struct {
	// Format names everything global that shapes the frames: the voice,
	// the encoder settings, the input rate, the level target and ceiling,
	// the code's runFormat.
	Format string `json:"format"`
	Rate   int    `json:"rate"`
	// Offsets are the loudness corrections the sentences were levelled
	// with (calibration).
	Offsets storedOffsets `json:"offsets"`
	Head    int64         `json:"head"` // bytes of the ID3 tag before the frames
	Runs    []runRecord   `json:"runs"`
}

type storedOffsets struct {
	Bias float64 `json:"bias_lu"`
	Loss float64 `json:"encoder_loss_lu"`
}

// runRecord is one run of a stored render.
type runRecord struct {
	ID      string       `json:"id"`
	Samples int          `json:"samples"` // from its cut to the next, input samples
	From    int64        `json:"from"`    // stream offset to read from (reservoir frames first)
	Lead    int          `json:"lead"`    // frames from From before its own
	Frames  int          `json:"frames"`
	End     int64        `json:"end"` // stream offset after its last frame
	Units   []unitRecord `json:"units"`
	Tail    int          `json:"tail"`  // samples after its last sentence
	Steps   steps        `json:"steps"` // its loudness meter's 100 ms sums
	// Sum is the CRC-32C of the stored bytes From to End, and Seal that
	// of the record itself (Seal left out): damage to the MP3 or to the
	// index is found before a frame or a number of it is used (see
	// reuse_check.go). Indexes written before them have neither.
	Sum  *uint32 `json:"frames_crc32c,omitempty"`
	Seal *uint32 `json:"crc32c,omitempty"`

	// While rendering: the first step and sample of the run, and where the
	// joiner put it (set by the joiner goroutine, read after it is done).
	firstStep, at, frame int
	mark                 *audio.Mark
}

// unitRecord is one unit of a run: the silence before it, its length, its
// level.
type unitRecord struct {
	Pause int     `json:"pause"`
	Len   int     `json:"len"`
	In    float64 `json:"in"`
	Gain  float64 `json:"gain"`
	Peak  float64 `json:"peak"`
}

func (u unitRecord) level() audio.NormalizeResult {
	if u.In <= -999 {
		return audio.NormalizeResult{InputLUFS: math.Inf(-1), OutputLUFS: math.Inf(-1)}
	}
	return audio.NormalizeResult{InputLUFS: u.In, GainDB: u.Gain, OutputLUFS: u.In + u.Gain, TruePeakDBTP: u.Peak, TargetReached: true}
}

func newUnitRecord(pause, n int, l audio.NormalizeResult) unitRecord {
	return unitRecord{Pause: pause, Len: n, In: finite(l.InputLUFS), Gain: finite(l.GainDB), Peak: finite(l.TruePeakDBTP)}
}

// finite keeps -Inf (a silent unit) out of JSON, which cannot hold it.
func finite(v float64) float64 {
	if math.IsInf(v, 0) || math.IsNaN(v) {
		return -999
	}
	return v
}

// steps are float64 sums stored as float32, base64: a tenth of the JSON.
type steps []float64

func (s steps) MarshalJSON() ([]byte, error) {
	b := make([]byte, 4*len(s))
	for i, v := range s {
		binary.LittleEndian.PutUint32(b[4*i:], math.Float32bits(float32(v)))
	}
	return json.Marshal(base64.StdEncoding.EncodeToString(b))
}

func (s *steps) UnmarshalJSON(data []byte) error {
	var str string
	if err := json.Unmarshal(data, &str); err != nil {
		return err
	}
	b, err := base64.StdEncoding.DecodeString(str)
	if err != nil || len(b)%4 != 0 {
		return fmt.Errorf("loudness steps: not base64 float32s")
	}
	out := make(steps, len(b)/4)
	for i := range out {
		out[i] = float64(math.Float32frombits(binary.LittleEndian.Uint32(b[4*i:])))
	}
	*s = out
	return nil
}

// indexFormat is segmentIndex.Format for this pipeline at rate.
func (pl *pipeline) indexFormat(rate int) string {
	b, _ := json.Marshal([]any{runFormat, pl.synth.Fingerprint(), pl.cfg.Encode, rate, pl.cfg.TargetLUFS, pl.cfg.CeilingDBTP,
		strconv.Itoa(pl.limit), trimThresholdDB, trimMargin, fadeIn, fadeOut, piecePause, minSegment, maxSegment})
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:12])
}

// reusePlan is what a render takes from the previous one: for each unit
// where a reused run starts, its record; the units it skips.
type reusePlan struct {
	idx  *segmentIndex
	runs map[int]*runRecord
	skip []bool
	used offsets // the previous render's, to level new sentences the same
}

func (p *reusePlan) at(i int) *runRecord {
	if p == nil {
		return nil
	}
	return p.runs[i]
}

func (p *reusePlan) skipped(i int) bool { return p != nil && p.skip[i] }

// planReuse finds the runs of the previous render (idx, with its cues) the
// new units have unchanged, if its levels are close enough to the current
// ones; a run whose record fails its checks (checkRun) is encoded again.
// The first run (whose encoder makes the stream's header) and the last
// (which ends the stream) are always encoded.
func (pl *pipeline) planReuse(us []unit, keys []string, idx *segmentIndex, cues []transcript.Cue, cur offsets) *reusePlan {
	if idx == nil || idx.Format != pl.indexFormat(idx.Rate) {
		return nil
	}
	used := offsets{bias: idx.Offsets.Bias, loss: idx.Offsets.Loss}
	if math.Abs(used.total()-cur.total()) > reuseToleranceLU {
		return nil
	}
	byID := make(map[string]*runRecord, len(idx.Runs))
	for k := range idx.Runs {
		byID[idx.Runs[k].ID] = &idx.Runs[k]
	}
	rules := newRunRules(us, keys, pl.cfg, idx.Rate)
	byText := newCueIndex(cues, idx.Rate)
	p := &reusePlan{idx: idx, runs: map[int]*runRecord{}, skip: make([]bool, len(us)), used: used}
	for i := rules.end(0); i < len(us); {
		j := rules.end(i)
		if rec := byID[rules.identity(i, j)]; j < len(us) && rec != nil {
			if err := rules.checkRun(i, j, rec, byText); err != nil {
				pl.log.Warn("segment index: run encoded again", "run", rec.ID, "err", err)
				i = j
				continue
			}
			p.runs[i] = rec
			for k := i; k < j; k++ {
				p.skip[k] = true
			}
		}
		i = j
	}
	if len(p.runs) == 0 {
		return nil
	}
	return p
}

// redoRun returns what encodes a reused run (old, from unit i) again from
// its sentences, in one segment without the reservoir, as it would have
// sounded: for when its frames cannot be read or joined. It runs on the
// joiner's goroutine, once e has started.
func (pl *pipeline) redoRun(ctx context.Context, us []unit, i int, old *runRecord, target float64, e *encoding) func() (audio.SegmentMP3, error) {
	return func() (audio.SegmentMP3, error) {
		pre := e.at(e.context) - e.delayIn
		post := e.delayIn + e.at(e.context)
		pcm := make([]float32, pre, pre+old.Samples+post)
		for k, ur := range old.Units {
			pcm = append(pcm, make([]float32, ur.Pause)...)
			r := pl.prepareSentence(ctx, us[i+k].spoken, target)
			if r.err != nil {
				return audio.SegmentMP3{}, &SentenceError{Index: us[i+k].cue + 1, Err: r.err}
			}
			// The same length as before whatever the engine gave this
			// time, so the cues and frames stay where they were placed.
			s := r.clip.Samples[:min(len(r.clip.Samples), ur.Len)]
			pcm = append(pcm, s...)
			pcm = append(pcm, make([]float32, ur.Len-len(s))...)
		}
		pcm = append(pcm, make([]float32, old.Tail+post)...)
		seg := audio.Segment{Rate: e.rate, PCM: pcm, Lead: e.context, Keep: old.Frames, NoReservoir: true}
		return audio.EncodeSegment(seg, e.opt)
	}
}

// index describes the runs of an assembled render, for the next one. The
// first run and the last are left out (always encoded), as are runs too
// long to be encoded again whole.
func (pl *pipeline) index(a *assembly, used offsets, head int64) *segmentIndex {
	if a.rules.need == 0 {
		return nil
	}
	idx := &segmentIndex{Format: pl.indexFormat(a.enc.rate), Rate: a.enc.rate, Head: head,
		Offsets: storedOffsets{Bias: used.bias, Loss: used.loss}}
	maxSamples := int(maxRunReused.Seconds()) * a.enc.rate
	for k := 0; k+1 < len(a.runs); k++ {
		r, next := a.runs[k], a.runs[k+1]
		if r.mark == nil || next.mark == nil || len(r.Units) == 0 || r.Samples <= 0 || r.Samples > maxSamples {
			continue
		}
		r.From, r.Lead, r.Frames, r.End = r.mark.From, r.mark.Lead, next.mark.Frame-r.mark.Frame, next.mark.At
		// The stream's bytes from From on are the stored file's after its
		// tag (the placeholder the Info frame replaces comes before).
		b := make([]byte, r.End-r.From)
		if _, err := a.enc.sp.ReadAt(b, r.From); err != nil {
			continue
		}
		rec := *r
		sum := crc(b)
		rec.Sum = &sum
		seal := rec.seal()
		rec.Seal = &seal
		idx.Runs = append(idx.Runs, rec)
	}
	return idx
}
