package audio

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"io"

	"github.com/go-audio/audio"
	"github.com/go-audio/wav"
)

// DecodeWAV reads a whole 16-bit PCM WAV stream (mono, or stereo which is
// downmixed) at any sample rate.
//
// The stream is read to the end before parsing because espeak-ng --stdout
// cannot seek back and leaves placeholder RIFF and data sizes (0x7ffff...,
// 0xffffffff); those are patched to the real byte counts first.
func DecodeWAV(r io.Reader) (Clip, error) {
	buf, err := io.ReadAll(r)
	if err != nil {
		return Clip{}, fmt.Errorf("read wav: %w", err)
	}
	if len(buf) == 0 {
		return Clip{}, fmt.Errorf("decode wav: %w", ErrEmpty)
	}
	if err := patchWAVSizes(buf); err != nil {
		return Clip{}, fmt.Errorf("decode wav: %w", err)
	}
	br := bytes.NewReader(buf)
	d := wav.NewDecoder(br)
	if err := d.FwdToPCM(); err != nil {
		return Clip{}, fmt.Errorf("decode wav: %w: %w", ErrNotWAV, err)
	}
	// FwdToPCM swallows header errors; a zero channel count is how they show.
	if d.NumChans == 0 || d.PCMChunk == nil {
		return Clip{}, fmt.Errorf("decode wav: %w: no fmt or data chunk", ErrNotWAV)
	}
	if d.WavAudioFormat != 1 || d.BitDepth != 16 || d.NumChans > 2 {
		return Clip{}, fmt.Errorf("decode wav: %w: format %d, %d bits, %d channels",
			ErrUnsupported, d.WavAudioFormat, d.BitDepth, d.NumChans)
	}
	if d.SampleRate == 0 {
		return Clip{}, fmt.Errorf("decode wav: %w: 0 Hz", ErrRate)
	}
	// The decoder stops at the start of the data chunk; its samples are
	// converted straight from buf, avoiding go-audio's []int buffer (8 bytes
	// per sample, 100 MB for a 10-minute article).
	start := len(buf) - br.Len()
	end := min(start+d.PCMSize, len(buf))
	return Clip{Rate: int(d.SampleRate), Samples: pcm16ToFloat(buf[start:end], int(d.NumChans))}, nil
}

// pcm16ToFloat converts little-endian 16-bit frames to mono float samples,
// averaging channels. A trailing partial frame is dropped.
func pcm16ToFloat(b []byte, chans int) []float32 {
	frame := 2 * chans
	out := make([]float32, len(b)/frame)
	for i := range out {
		var sum int32
		for ch := range chans {
			sum += int32(int16(binary.LittleEndian.Uint16(b[i*frame+2*ch:])))
		}
		out[i] = float32(sum) / float32(chans) / 32768
	}
	return out
}

// patchWAVSizes rewrites the RIFF size and the data chunk size in place so
// they match len(buf). Chunks before "data" must fit in buf; the data chunk
// is clamped to what is really there.
func patchWAVSizes(buf []byte) error {
	if len(buf) < 12 || string(buf[0:4]) != "RIFF" || string(buf[8:12]) != "WAVE" {
		return ErrNotWAV
	}
	binary.LittleEndian.PutUint32(buf[4:8], uint32(len(buf)-8))
	for off := 12; off+8 <= len(buf); {
		id := string(buf[off : off+4])
		size := int64(binary.LittleEndian.Uint32(buf[off+4 : off+8]))
		rest := int64(len(buf) - off - 8)
		if id == "data" {
			if size > rest {
				binary.LittleEndian.PutUint32(buf[off+4:off+8], uint32(rest))
			}
			return nil
		}
		if size > rest {
			return fmt.Errorf("%w: chunk %q truncated", ErrNotWAV, id)
		}
		off += 8 + int(size) + int(size&1) // chunks are word-aligned
	}
	return fmt.Errorf("%w: no data chunk", ErrNotWAV)
}

// EncodeWAV writes c as a 16-bit mono PCM WAV file. Samples outside [-1, 1]
// are clipped. w must seek because the header is finished last.
func EncodeWAV(w io.WriteSeeker, c Clip) error {
	if c.Rate <= 0 {
		return fmt.Errorf("encode wav: %w: %d Hz", ErrRate, c.Rate)
	}
	e := wav.NewEncoder(w, c.Rate, 16, 1, 1)
	// Chunks keep go-audio's []int buffer small whatever the clip length.
	const chunk = 8192
	buf := &audio.IntBuffer{
		Format:         &audio.Format{NumChannels: 1, SampleRate: c.Rate},
		Data:           make([]int, 0, chunk),
		SourceBitDepth: 16,
	}
	// At least one Write, even for an empty clip, so the header gets written.
	for i := 0; i == 0 || i < len(c.Samples); i += chunk {
		buf.Data = buf.Data[:0]
		for _, s := range c.Samples[i:min(i+chunk, len(c.Samples))] {
			buf.Data = append(buf.Data, int(toInt16(s)))
		}
		if err := e.Write(buf); err != nil {
			return fmt.Errorf("encode wav: %w", err)
		}
	}
	if err := e.Close(); err != nil {
		return fmt.Errorf("encode wav: %w", err)
	}
	return nil
}

// toInt16 clips and rounds a float sample to 16-bit PCM.
func toInt16(s float32) int16 {
	v := float64(s) * 32768
	switch {
	case v >= 32767:
		return 32767
	case v <= -32768:
		return -32768
	case v >= 0:
		return int16(v + 0.5)
	default:
		return int16(v - 0.5)
	}
}
