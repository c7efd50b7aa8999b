package audio

import (
	"errors"
	"math"
	"testing"
	"time"
)

// DecodeSegment gives the audio of the frames a segment keeps, aligned on
// its first frame (its reservoir frames before are not heard), and refuses
// frames that are not exactly the segment's.
func TestDecodeSegment(t *testing.T) {
	in := sine(22050, 440, 0.5, 0, 3*time.Second)
	_, frames := SegmentGrid(22050, EncodeOptions{})
	lead := 4 * frames
	seg, err := EncodeSegment(Segment{Rate: 22050, PCM: in.Samples, Lead: lead, Keep: 40}, EncodeOptions{})
	if err != nil {
		t.Fatal(err)
	}
	c, err := DecodeSegment(seg)
	if err != nil {
		t.Fatal(err)
	}
	if c.Rate != DefaultSampleRate || len(c.Samples) != 40*1152 {
		t.Fatalf("%d samples at %d Hz, want %d at %d", len(c.Samples), c.Rate, 40*1152, DefaultSampleRate)
	}
	peak := 0.0
	for _, s := range c.Samples[2048:] {
		peak = max(peak, math.Abs(float64(s)))
	}
	if peak < 0.45 || peak > 0.55 {
		t.Errorf("decoded peak %.3f, the sine's 0.5", peak)
	}
	short := seg
	short.Keep--
	if _, err := DecodeSegment(short); !errors.Is(err, ErrFrame) {
		t.Errorf("one frame more than the segment's: %v, want ErrFrame", err)
	}
}
