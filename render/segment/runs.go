package segment

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"time"

	"ecouter/audio"
)

// Runs: so that an edit re-encodes only what it changed, the article is
// cut into runs of sentences at places chosen by the content alone (a
// hash of the sentence a run starts with), not by length: an edit that
// lengthens one sentence then moves no cut but those around it. Each cut
// falls in the middle of a sentence pause, padded to the MP3 frame grid,
// and the encoder windows on either side of it hold only silence, so a
// run's frames depend on nothing but its own sentences, their levels and
// pauses. A render stores, next to its MP3, where each run's frames are
// (Index); the next render of the article takes the frames of every run
// it has unchanged from that MP3 instead of synthesising, levelling and
// encoding it again. Inside a run, segments are cut as before (Encoder).
const (
	// runOneIn: a sentence starts a run with a chance of one in runOneIn
	// (besides the second sentence, so that the first is alone and
	// listening starts early). About three sentences, some 15 s, a run.
	runOneIn = 3
	// Format changes whenever what shapes a run's frames changes in the
	// code (trimming, fades, levelling, segment cuts): it is in every
	// run's identity, and the caller puts it in Index.Format.
	Format = "runs-1"
)

// Unit is what the runs know of one unit of the article (a sentence, or a
// piece of one read by one engine call).
type Unit struct {
	Key      string        // its sentence key: a hash of what is spoken, and how
	Text     string        // the whole sentence as written (its cue's text)
	Sentence int           // the sentence's number in reading order
	First    bool          // the sentence's first piece
	Pause    time.Duration // the silence before it (unused for the first unit)
}

// Rules tell where runs start, for one article at one input rate.
type Rules struct {
	us   []Unit
	rate int
	need int // samples of silence needed on each side of a cut; 0: no runs
	// gridIn input samples are gridFrames MP3 frames: a run's length in
	// both (runs start and end on the grid).
	gridIn, gridFrames int
}

// NewRules works out the silence a cut needs at rate: lame's delay and
// the encoders' context on either side, and the padding to the frame grid.
// A coarse grid (an input rate that does not divide the output's well)
// would pad pauses audibly: such articles get no runs.
func NewRules(us []Unit, opt audio.EncodeOptions, rate int) Rules {
	r := Rules{us: us, rate: rate}
	if rate <= 0 || opt.Validate() != nil {
		return r
	}
	gridIn, gridFrames := audio.SegmentGrid(rate, opt)
	if gridIn > rate/25 {
		return r
	}
	out := opt.SampleRate
	if out == 0 {
		out = audio.DefaultSampleRate
	}
	r.gridIn, r.gridFrames = gridIn, gridFrames
	context := (audio.SegmentContext + gridFrames - 1) / gridFrames * gridFrames
	r.need = lameDelay*rate/out + context/gridFrames*gridIn + gridIn
	return r
}

func (r Rules) samples(d time.Duration) int { return int(d.Seconds() * float64(r.rate)) }

// Pause is the silence before unit i (i > 0): a sentence pause, or the
// breath between the pieces of a sentence.
func (r Rules) Pause(i int) time.Duration { return r.us[i].Pause }

// Starts reports whether a run starts at unit i.
func (r Rules) Starts(i int) bool {
	if r.need == 0 || i <= 0 || i >= len(r.us) || !r.us[i].First {
		return false
	}
	d := r.Pause(i)
	if r.samples(d/2) < r.need || r.samples(d-d/2) < r.need {
		return false
	}
	return r.us[i].Sentence == 1 || selected(r.us[i].Key)
}

// End is where the run starting at i ends: the next run's first unit, or
// the number of units.
func (r Rules) End(i int) int {
	j := i + 1
	for j < len(r.us) && !r.Starts(j) {
		j++
	}
	return j
}

// selected tells, from a sentence key (a hash), whether a run starts there.
func selected(key string) bool {
	sum := sha256.Sum256([]byte(key))
	return binary.BigEndian.Uint16(sum[:])%runOneIn == 0
}

// Identity names the content of the run of units i to j (exclusive): its
// sentences, their pauses, the half pauses at its ends, the level target
// and what else shapes its frames (format, in the segment index).
func (r Rules) Identity(i, j int) string {
	h := sha256.New()
	d := r.Pause(i)
	fmt.Fprintf(h, "%s\x00%d\x00", Format, d-d/2)
	for k := i; k < j; k++ {
		if k > i {
			fmt.Fprintf(h, "%d\x00", r.Pause(k))
		}
		fmt.Fprintf(h, "%s\x00", r.us[k].Key)
	}
	if j < len(r.us) {
		fmt.Fprintf(h, "%d", r.Pause(j)/2)
	}
	return hex.EncodeToString(h.Sum(nil)[:16])
}
