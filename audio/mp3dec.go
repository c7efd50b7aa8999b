package audio

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"

	"github.com/hajimehoshi/go-mp3"
)

// DecodeMP3 reads a whole MP3 stream (an ID3v2 tag in front is skipped).
// go-mp3 always yields 16-bit interleaved stereo, even for mono files; the
// left channel is kept. Encoder delay and padding are not trimmed.
func DecodeMP3(r io.Reader) (Clip, error) {
	d, err := mp3.NewDecoder(r)
	if err != nil {
		if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
			return Clip{}, fmt.Errorf("decode mp3: %w: %w", ErrEmpty, err)
		}
		return Clip{}, fmt.Errorf("decode mp3: %w", err)
	}
	c := Clip{Rate: d.SampleRate()}
	// Reading in fixed chunks converts as we go, so the 4-byte stereo stream
	// is never held in memory whole.
	buf := make([]byte, 16*1024)
	for {
		n, err := io.ReadFull(d, buf)
		for i := 0; i+4 <= n; i += 4 {
			c.Samples = append(c.Samples, float32(int16(binary.LittleEndian.Uint16(buf[i:])))/32768)
		}
		if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
			break
		}
		if err != nil {
			return Clip{}, fmt.Errorf("decode mp3: %w", err)
		}
	}
	return c, nil
}
