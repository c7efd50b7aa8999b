package segment

import (
	"bytes"
	"encoding/json"
	"errors"
	"math"
	"testing"

	"ecouter/audio"
	"ecouter/audio/audiotest"
)

// edit changes sentence k: longer, and another text.
func edit(us []Unit, ss []sentence, k int) ([]Unit, []sentence) {
	us, ss = append([]Unit(nil), us...), append([]sentence(nil), ss...)
	ss[k] = sentence{text: ss[k].text + ", corrigée", samples: speech(2300e6, 22050, 99)}
	us[k].Text, us[k].Key = ss[k].text, "key:"+ss[k].text
	return us, ss
}

// An edit takes the frames of every run it left unchanged from the
// previous file, and the file it makes is the one a full encoding of the
// edited article makes, byte for byte, cues and index alike.
func TestReuseMatchesFullEncoding(t *testing.T) {
	us, ss := article(40, 22050)
	v1 := write(t, us, ss, nil)
	if len(v1.idx.Runs) < 5 {
		t.Fatalf("%d runs indexed in 40 sentences", len(v1.idx.Runs))
	}
	us2, ss2 := edit(us, ss, 20)
	got := write(t, us2, ss2, previous(v1))
	want := write(t, us2, ss2, nil)
	if got.reused < 25 {
		t.Errorf("%d of 40 sentences reused", got.reused)
	}
	if !bytes.Equal(got.file, want.file) {
		t.Errorf("the edit's file (%d bytes) is not the full encoding's (%d bytes)", len(got.file), len(want.file))
	}
	for i := range want.cues {
		if got.cues[i] != want.cues[i] {
			t.Fatalf("cue %d: %+v, full encoding %+v", i, got.cues[i], want.cues[i])
		}
	}
	a, _ := json.Marshal(got.idx)
	b, _ := json.Marshal(want.idx)
	if !bytes.Equal(a, b) {
		t.Error("the edit's index is not the full encoding's")
	}
}

// A run whose frames fail their checksum is encoded again from its
// units: the file is still the full encoding's, cue for cue, and sounds
// like it within the codec's error, with no click copied from the damage.
func TestReuseEncodesAgainDamagedFrames(t *testing.T) {
	us, ss := article(40, 22050)
	v1 := write(t, us, ss, nil)
	flipMainData(t, v1.file, v1.idx)
	us2, ss2 := edit(us, ss, 20)
	got := write(t, us2, ss2, previous(v1))
	want := write(t, us2, ss2, nil)
	if got.reused == 0 {
		t.Fatal("nothing planned for reuse")
	}
	if len(got.cues) != len(want.cues) {
		t.Fatalf("%d cues, want %d", len(got.cues), len(want.cues))
	}
	for i := range want.cues {
		if got.cues[i] != want.cues[i] {
			t.Fatalf("cue %d: %+v, full encoding %+v", i, got.cues[i], want.cues[i])
		}
	}
	pcm, ref := audiotest.Decode(t, got.file, "-ar", "44100"), audiotest.Decode(t, want.file, "-ar", "44100")
	if len(pcm) != len(ref) {
		t.Fatalf("%d samples, full encoding %d", len(pcm), len(ref))
	}
	peak := 0.0
	for i := range pcm {
		peak = max(peak, math.Abs(float64(pcm[i]-ref[i])))
	}
	if peak > 0.1 {
		t.Errorf("differs from the full encoding by %.2f (full scale 1)", peak)
	}
}

// Nothing is planned from an index of another format, from levels further
// than the tolerance, or from records that fail their checks.
func TestPlanRefuses(t *testing.T) {
	us, ss := article(30, 22050)
	v1 := write(t, us, ss, nil)
	warn := func(string, error) {}
	opt0 := audio.EncodeOptions{}
	if p := NewPlan(*previous(v1), us, opt0, 0, warn); p == nil || len(p.runs) == 0 {
		t.Fatal("nothing planned from an unchanged article")
	}
	other := *previous(v1)
	other.Format = "other"
	if p := NewPlan(other, us, opt0, 0, warn); p != nil {
		t.Error("planned from an index of another format")
	}
	if p := NewPlan(*previous(v1), us, opt0, reuseToleranceLU+0.01, warn); p != nil {
		t.Error("planned with levels further than the tolerance")
	}
	// Every record's seal broken: every run refused, each told.
	prev := *previous(v1)
	idx := *prev.Index
	idx.Runs = append([]Run(nil), idx.Runs...)
	for i := range idx.Runs {
		idx.Runs[i].Tail++
	}
	prev.Index = &idx
	var told []error
	if p := NewPlan(prev, us, opt0, 0, func(_ string, err error) { told = append(told, err) }); p != nil {
		t.Error("planned from records whose seals do not match")
	}
	if len(told) == 0 || !errors.Is(told[0], ErrRunRecord) {
		t.Errorf("warnings %v, want ErrRunRecord", told)
	}
	// Resealed, the record is checked against its units and still refused.
	for i := range idx.Runs {
		idx.Runs[i].Reseal()
	}
	told = nil
	if p := NewPlan(prev, us, opt0, 0, func(_ string, err error) { told = append(told, err) }); p != nil || len(told) == 0 {
		t.Errorf("planned from resealed records with a wrong tail (%d warnings)", len(told))
	}
}

// Steps survive the index's JSON as float32s.
func TestStepsJSON(t *testing.T) {
	s := Steps{0, 1.5, 1e-7, 12345.678}
	b, err := json.Marshal(s)
	if err != nil {
		t.Fatal(err)
	}
	var back Steps
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
	for i := range s {
		if float32(back[i]) != float32(s[i]) {
			t.Errorf("step %d: %v, want %v", i, back[i], s[i])
		}
	}
	if err := json.Unmarshal([]byte(`"AAA"`), &back); err == nil {
		t.Error("3 base64 characters taken for steps")
	}
}

// flipMainData scrambles the main data of two frames in the middle of
// every indexed run (mono MPEG-1 layer III frames, 44.1 kHz: a 4-byte
// header and 17 bytes of side information).
func flipMainData(t *testing.T, mp3 []byte, idx *Index) {
	t.Helper()
	for _, r := range idx.Runs {
		off := idx.Head + r.From
		for n := 0; n < r.Lead+r.Frames/2+2; n++ {
			h := mp3[off:]
			if h[0] != 0xFF || h[1]&0xE0 != 0xE0 {
				t.Fatalf("no frame at byte %d", off)
			}
			kbps := []int{0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320}[h[2]>>4]
			size := int64(144000*kbps/44100) + int64(h[2]>>1&1)
			if n >= r.Lead+r.Frames/2 {
				for k := off + 4 + 17; k < off+size; k++ {
					mp3[k] ^= 0x5A
				}
			}
			off += size
		}
	}
}
