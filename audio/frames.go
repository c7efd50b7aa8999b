package audio

import (
	"errors"
	"fmt"
)

// ErrFrame reports MP3 bytes that are not the mono layer III frames lame
// makes here.
var ErrFrame = errors.New("audio: not a mono MPEG layer III frame")

// frame is one MPEG layer III frame's layout, read from its header.
type frame struct {
	size      int // bytes, header included
	side      int // side information bytes (after the 4-byte header)
	samples   int // output samples it decodes to
	kbps      int
	mpeg1     bool
	maxLookup int // largest main_data_begin the format can express
}

var (
	l3Kbps1 = [16]int{0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320, 0}
	l3Kbps2 = [16]int{0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160, 0}
	l3Rates = map[byte][3]int{3: {44100, 48000, 32000}, 2: {22050, 24000, 16000}, 0: {11025, 12000, 8000}}
)

// parseFrame reads the header at b[0:4].
func parseFrame(b []byte) (frame, error) {
	if len(b) < 4 || b[0] != 0xFF || b[1]&0xE0 != 0xE0 {
		return frame{}, fmt.Errorf("%w: no frame sync", ErrFrame)
	}
	version := (b[1] >> 3) & 3
	rates, ok := l3Rates[version]
	switch {
	case !ok:
		return frame{}, fmt.Errorf("%w: reserved version", ErrFrame)
	case (b[1]>>1)&3 != 1:
		return frame{}, fmt.Errorf("%w: not layer III", ErrFrame)
	case b[1]&1 == 0:
		return frame{}, fmt.Errorf("%w: CRC-protected", ErrFrame)
	case b[3]>>6 != 3:
		return frame{}, fmt.Errorf("%w: not mono", ErrFrame)
	}
	ri := (b[2] >> 2) & 3
	if ri == 3 {
		return frame{}, fmt.Errorf("%w: reserved sample rate", ErrFrame)
	}
	rate, pad := rates[ri], int((b[2]>>1)&1)
	f := frame{mpeg1: version == 3}
	if f.mpeg1 {
		f.kbps = l3Kbps1[b[2]>>4]
		f.size, f.side, f.samples, f.maxLookup = 144000*f.kbps/rate+pad, 17, 1152, 511
	} else {
		f.kbps = l3Kbps2[b[2]>>4]
		f.size, f.side, f.samples, f.maxLookup = 72000*f.kbps/rate+pad, 9, 576, 255
	}
	if f.kbps == 0 {
		return frame{}, fmt.Errorf("%w: free or bad bitrate", ErrFrame)
	}
	return f, nil
}

// bits reads n bits of b from bit offset off (most significant first).
func bits(b []byte, off, n int) int {
	v := 0
	for i := range n {
		p := off + i
		v = v<<1 | int(b[p/8]>>(7-p%8)&1)
	}
	return v
}

// mainDataBegin and mainDataBits read a frame's side information: how far
// back (bytes) its main data starts, and how many bits it has.
func (f frame) mainDataBegin(b []byte) int {
	if f.mpeg1 {
		return bits(b[4:], 0, 9)
	}
	return bits(b[4:], 0, 8)
}

func (f frame) mainDataBits(b []byte) int {
	if f.mpeg1 {
		return bits(b[4:], 18, 12) + bits(b[4:], 18+59, 12)
	}
	return bits(b[4:], 9, 12)
}

func (f frame) setMainDataBegin(b []byte, v int) {
	if f.mpeg1 {
		b[4] = byte(v >> 1)
		b[5] = b[5]&0x7F | byte(v&1)<<7
		return
	}
	b[4] = byte(v)
}

// splitFrames cuts a run of whole frames.
func splitFrames(b []byte) ([][]byte, []frame, error) {
	var out [][]byte
	var fs []frame
	for len(b) > 0 {
		f, err := parseFrame(b)
		if err != nil {
			return nil, nil, err
		}
		if f.size > len(b) || f.size < 4+f.side {
			return nil, nil, fmt.Errorf("%w: truncated frame", ErrFrame)
		}
		out, fs = append(out, b[:f.size]), append(fs, f)
		b = b[f.size:]
	}
	return out, fs, nil
}

// mainData returns each frame's main data (the Huffman-coded audio, which
// the bit reservoir lets start in earlier frames), as bytes. The frames
// before from are only there for the reservoir bytes they hold: cut out of
// a longer stream, their own main data may start before the first of them
// (it is then nil).
func mainData(frames [][]byte, fs []frame, from int) ([][]byte, error) {
	var area []byte // the frames' main data areas, end to end
	out := make([][]byte, len(frames))
	for i, b := range frames {
		f := fs[i]
		start := len(area) - f.mainDataBegin(b)
		area = append(area, b[4+f.side:]...)
		n := (f.mainDataBits(b) + 7) / 8
		if start < 0 && i < from {
			continue
		}
		if start < 0 || start+n > len(area) {
			return nil, fmt.Errorf("%w: main data outside the stream (frame %d)", ErrFrame, i)
		}
		out[i] = area[start : start+n]
	}
	return out, nil
}
