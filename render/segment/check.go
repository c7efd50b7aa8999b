package segment

import (
	"encoding/json"
	"errors"
	"fmt"
	"hash/crc32"
	"math"

	"ecouter/audio"
)

// Reused runs are checked twice, since a damaged index or MP3 must never
// reach listeners (a full-scale click copied from damaged main data; an
// absurd pause in an index that made a 141 s article 1,048 s long):
//
//   - when the render is planned (checkRun), the record against what it
//     must be: its seal, its pauses and length against the run rules (the
//     pauses are in the run's identity), its frames against its length,
//     and its sentences' lengths against the previous render's cues. A
//     run that fails is not reused: its sentences are encoded again.
//   - when its frames are read (checkFrames): their CRC-32C against the
//     index's, or, for an index written before sums were kept, the frames
//     decoded and their level compared with the run's loudness steps and
//     peaks. A run that fails is encoded again from its sentences (redo).
//
// MP3 frames have an optional CRC of their own, but it covers only the
// header and side information, not the main data, and lame writes none
// here: the index's sum is what covers the bytes.

// ErrRunRecord reports a run record or its frames that cannot be used.
var ErrRunRecord = errors.New("reuse run: record and audio disagree")

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

func crc(b []byte) uint32 { return crc32.Checksum(b, castagnoli) }

// seal returns the CRC-32C of the record as stored, Seal left out.
func (r Run) seal() uint32 {
	r.Seal = nil
	b, _ := json.Marshal(r) // a struct of numbers and strings: no error
	return crc(b)
}

// Reseal sets the record's Seal to what it holds now.
func (r *Run) Reseal() {
	s := r.seal()
	r.Seal = &s
}

// Tolerances of the decoded check: lossy coding moves a sentence's peak by
// a few tenths of a dB and a 100 ms step's power by less than 1 dB (0.7 dB
// at most measured at 64 kbps); damaged main data decodes to noise or a
// click many dB above either.
const (
	decodedPeakMarginDB = 1
	decodedStepMarginDB = 1.5
	decodedStepFloor    = 1e-6 // mean square, about -60 LUFS: silence
)

// checkRun tells whether rec, the previous render's record of the run of
// units i to j, is what the run must be: see above. cues finds its
// sentences in the previous render's cues.
func (r Rules) checkRun(i, j int, rec *Run, cues cueIndex) error {
	if rec.Seal != nil && *rec.Seal != rec.seal() {
		return fmt.Errorf("%w: seal", ErrRunRecord)
	}
	if len(rec.Units) != j-i || r.gridIn <= 0 {
		return fmt.Errorf("%w: %d units, %d expected", ErrRunRecord, len(rec.Units), j-i)
	}
	if err := r.checkUnits(i, j, rec); err != nil {
		return err
	}
	if err := r.checkLength(rec); err != nil {
		return err
	}
	if !cues.has(r.sentences(i, rec)) {
		return fmt.Errorf("%w: its sentences' lengths are not the previous render's", ErrRunRecord)
	}
	return nil
}

// checkUnits checks the pauses and lengths of rec's units, and its tail.
func (r Rules) checkUnits(i, j int, rec *Run) error {
	total := 0
	for k, ur := range rec.Units {
		want := r.samples(r.Pause(i + k))
		if k == 0 {
			d := r.Pause(i)
			want = r.samples(d - d/2)
		} else if r.us[i+k].First {
			d := r.Pause(i + k)
			want = r.samples(d/2) + r.samples(d-d/2)
		}
		if ur.Pause != want || ur.Len <= 0 || !levelOK(ur) {
			return fmt.Errorf("%w: unit %d: pause %d (want %d), length %d", ErrRunRecord, k, ur.Pause, want, ur.Len)
		}
		total += ur.Pause + ur.Len
	}
	if tail := r.samples(r.Pause(j) / 2); rec.Tail < tail || rec.Tail >= tail+r.gridIn {
		return fmt.Errorf("%w: tail %d, want %d to %d", ErrRunRecord, rec.Tail, tail, tail+r.gridIn-1)
	}
	if rec.Samples != total+rec.Tail {
		return fmt.Errorf("%w: %d samples, its units and tail %d", ErrRunRecord, rec.Samples, total+rec.Tail)
	}
	return nil
}

// checkLength checks rec's samples, frames, bytes and loudness steps
// against each other.
func (r Rules) checkLength(rec *Run) error {
	switch {
	case rec.Samples <= 0 || rec.Samples > int(maxRunReused.Seconds())*r.rate || rec.Samples%r.gridIn != 0:
		return fmt.Errorf("%w: %d samples", ErrRunRecord, rec.Samples)
	case rec.Frames != rec.Samples/r.gridIn*r.gridFrames:
		return fmt.Errorf("%w: %d frames for %d samples", ErrRunRecord, rec.Frames, rec.Samples)
	case rec.Lead < 0 || rec.Lead > maxLead || rec.From < 0 || rec.End <= rec.From:
		return fmt.Errorf("%w: frames %d to %d, %d before", ErrRunRecord, rec.From, rec.End, rec.Lead)
	}
	if steps := rec.Samples * 10 / r.rate; len(rec.Steps) < steps-1 || len(rec.Steps) > steps+1 {
		return fmt.Errorf("%w: %d loudness steps for %d samples", ErrRunRecord, len(rec.Steps), rec.Samples)
	}
	for _, s := range rec.Steps {
		if !(s >= 0) || math.IsInf(s, 1) {
			return fmt.Errorf("%w: loudness step %v", ErrRunRecord, s)
		}
	}
	return nil
}

// maxLead is the most frames before a run its reservoir can be in: the
// Joiner's Mark looks back at most 16.
const maxLead = 16

// levelOK: a unit's level is finite and of this world (-999: silence).
func levelOK(u RunUnit) bool {
	in := u.In >= -999 && u.In <= 100
	return in && math.Abs(u.Gain) <= 200 && u.Peak >= -999 && u.Peak <= 100
}

// checkFrames checks the frames read for rec (see above). rate is the
// input rate and ceiling the render's true-peak ceiling.
func checkFrames(seg audio.SegmentMP3, rec *Run, rate int, ceiling float64) error {
	if rec.Sum != nil {
		if crc(seg.Frames) != *rec.Sum {
			return fmt.Errorf("%w: frames' CRC-32C", ErrRunRecord)
		}
		return nil
	}
	c, err := audio.DecodeSegment(seg)
	if err != nil {
		return fmt.Errorf("%w: %w", ErrRunRecord, err)
	}
	peak := math.Inf(-1)
	for _, u := range rec.Units {
		peak = max(peak, u.Peak)
	}
	limit := math.Pow(10, (min(peak, ceiling)+decodedPeakMarginDB)/20)
	for n, s := range c.Samples {
		if math.Abs(float64(s)) > limit {
			return fmt.Errorf("%w: decoded sample %d at %.1f dBFS, its sentences' peak %.1f dBTP", ErrRunRecord, n, 20*math.Log10(math.Abs(float64(s))), peak)
		}
	}
	m := audio.NewMeter(c.Rate)
	m.Add(c.Samples)
	got := m.Steps(0)
	if len(got) < len(rec.Steps)-1 {
		return fmt.Errorf("%w: %d steps decoded, %d stored", ErrRunRecord, len(got), len(rec.Steps))
	}
	in, out := math.Round(float64(rate)/10), math.Round(float64(c.Rate)/10)
	for k := range min(len(got), len(rec.Steps)) {
		d := 10 * math.Log10((got[k]/out+decodedStepFloor)/(rec.Steps[k]/in+decodedStepFloor))
		if math.Abs(d) > decodedStepMarginDB {
			return fmt.Errorf("%w: decoded step %d is %.1f dB off its stored loudness", ErrRunRecord, k, d)
		}
	}
	return nil
}
