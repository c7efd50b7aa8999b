package audio

import (
	"fmt"
)

// Segments: an article's audio is cut at frame boundaries into segments
// encoded at once by separate lame instances, then joined (Joiner). Each
// encoder is given a little of the audio on either side of its segment,
// so the filter banks, the resampler and the psychoacoustic model are in
// the state one encoder would have had there; only the frames of the
// segment itself are kept. Decoded, a join then differs from one
// encoder's output no more than the codec differs from the PCM anywhere.

// SegmentContext is how many frames of audio an encoder is given before
// and after its segment.
const SegmentContext = 3

// SegmentGrid tells where segments may be cut for input at inRate: every
// frames frames, which is inSamples input samples (a whole number, so
// every encoder's resampler starts in step with one encoder's).
func SegmentGrid(inRate int, opt EncodeOptions) (inSamples, frames int) {
	opt = opt.withDefaults()
	spf := 1152
	if opt.SampleRate < 32000 {
		spf = 576
	}
	g := gcd(spf*inRate, opt.SampleRate)
	frames = opt.SampleRate / g
	return frames * spf * inRate / opt.SampleRate, frames
}

func gcd(a, b int) int {
	for b != 0 {
		a, b = b, a%b
	}
	return a
}

// Segment is what to encode of a stream: PCM starting Lead frames before
// the segment (Lead frames are dropped), Keep frames kept (<0: all, for
// the stream's last segment). NoReservoir encodes without the bit
// reservoir, for a segment that would not join otherwise.
type Segment struct {
	Rate        int
	PCM         []float32
	Lead, Keep  int
	NoReservoir bool
}

// SegmentMP3 is an encoded segment.
type SegmentMP3 struct {
	// Frames are every frame lame made, the segment's from Lead to Lead+Keep:
	// those before hold the bit reservoir the first of them may read.
	Frames      []byte
	Lead, Keep  int
	Placeholder []byte // lame's placeholder for the Info frame; nil if lame writes no tag
	Tag         []byte // lame's Info/LAME frame for this segment alone
	Delay       int    // encoder delay, output samples
}

// EncodeSegment encodes one segment with its own encoder.
func EncodeSegment(s Segment, opt EncodeOptions) (SegmentMP3, error) {
	e, err := newEncoder(s.Rate, opt, s.NoReservoir)
	if err != nil {
		return SegmentMP3{}, fmt.Errorf("encode segment: %w", err)
	}
	defer e.Close()
	b, err := e.Encode(s.PCM)
	if err != nil {
		return SegmentMP3{}, fmt.Errorf("encode segment: %w", err)
	}
	tail, err := e.Flush()
	if err != nil {
		return SegmentMP3{}, fmt.Errorf("encode segment: %w", err)
	}
	b = append(b, tail...)
	out := SegmentMP3{Tag: e.LameTag(), Delay: e.Delay()}
	frames, _, err := splitFrames(b)
	if err != nil {
		return SegmentMP3{}, fmt.Errorf("encode segment: %w", err)
	}
	if len(out.Tag) > 0 && len(frames) > 0 {
		out.Placeholder, frames = frames[0], frames[1:]
	}
	end := len(frames)
	if s.Keep >= 0 {
		end = s.Lead + s.Keep
	}
	if s.Lead > len(frames) || end > len(frames) {
		return SegmentMP3{}, fmt.Errorf("encode segment: %d frames made, frames %d to %d wanted", len(frames), s.Lead, end)
	}
	for _, f := range frames[:end] {
		out.Frames = append(out.Frames, f...)
	}
	out.Lead, out.Keep = s.Lead, end-s.Lead
	return out, nil
}
