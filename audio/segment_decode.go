package audio

import (
	"bytes"
	"fmt"
)

// DecodeSegment decodes the frames a segment keeps (Lead to Lead+Keep) as
// they sound once joined into a stream: its main data is laid out again
// by a Joiner after a few frames of silence whose free areas hold the
// reservoir bytes its first frames read, and the silence is dropped from
// the result. It is how frames copied from a stored MP3 are checked
// before they are joined into another: damaged main data decodes to noise
// or a click that its level gives away. The frames must be exactly
// Lead+Keep, as a segment cut from a stream by a Mark is.
func DecodeSegment(seg SegmentMP3) (Clip, error) {
	frames, fs, err := splitFrames(seg.Frames)
	if err != nil {
		return Clip{}, fmt.Errorf("decode segment: %w", err)
	}
	if seg.Lead < 0 || seg.Keep <= 0 || seg.Lead+seg.Keep != len(frames) {
		return Clip{}, fmt.Errorf("decode segment: %w: %d frames, %d+%d expected", ErrFrame, len(frames), seg.Lead, seg.Keep)
	}
	// A frame with its header and zeroed side information holds no main
	// data and decodes to silence; its whole area is free reservoir.
	f, hdr := fs[seg.Lead], frames[seg.Lead][:4]
	var silent []byte
	n := 0
	for free := 0; free < f.maxLookup; n++ {
		fr := make([]byte, f.size)
		copy(fr, hdr)
		silent = append(silent, fr...)
		free += f.size - 4 - f.side
	}
	var j Joiner
	var stream bytes.Buffer
	for _, s := range []SegmentMP3{{Frames: silent, Keep: n}, seg} {
		b, err := j.Append(s)
		if err != nil {
			return Clip{}, fmt.Errorf("decode segment: %w", err)
		}
		stream.Write(b)
	}
	stream.Write(j.Flush())
	c, err := DecodeMP3(&stream)
	if err != nil {
		return Clip{}, fmt.Errorf("decode segment: %w", err)
	}
	skip, want := n*f.samples, (n+seg.Keep)*f.samples
	if len(c.Samples) < want {
		return Clip{}, fmt.Errorf("decode segment: %w: %d samples decoded, %d expected", ErrFrame, len(c.Samples), want)
	}
	c.Samples = c.Samples[skip:want]
	return c, nil
}
