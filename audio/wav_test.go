package audio

import (
	"bytes"
	"encoding/binary"
	"errors"
	"math"
	"os"
	"path/filepath"
	"testing"
)

func TestDecodeWAVEspeak(t *testing.T) {
	raw := espeakWAV(t, "Bonjour à tous.")
	// The reason for patching: espeak-ng cannot seek stdout.
	if got := binary.LittleEndian.Uint32(raw[4:8]); int(got) == len(raw)-8 {
		t.Logf("espeak-ng wrote a correct RIFF size (%d); placeholder handling untested here", got)
	}
	c, err := DecodeWAV(bytes.NewReader(raw))
	if err != nil {
		t.Fatalf("DecodeWAV: %v", err)
	}
	if c.Rate != 22050 {
		t.Errorf("rate = %d, want 22050", c.Rate)
	}
	if want := (len(raw) - 44) / 2; len(c.Samples) != want {
		t.Errorf("samples = %d, want %d", len(c.Samples), want)
	}
	if c.Seconds() < 0.5 || c.Seconds() > 3 {
		t.Errorf("duration = %.2fs, want a spoken sentence", c.Seconds())
	}
	if p := blockMax(c.Samples, 0, len(c.Samples)); p < 0.05 || p > 1 {
		t.Errorf("peak = %.3f, want audible speech in [-1, 1]", p)
	}
}

// wavBytes builds a 16-bit PCM WAV by hand with the given size fields
// (-1 means the true value) and an optional chunk before "data".
func wavBytes(rate, chans int, frames []int16, riffSize, dataSize int64, extra []byte) []byte {
	var b bytes.Buffer
	data := make([]byte, 2*len(frames))
	for i, v := range frames {
		binary.LittleEndian.PutUint16(data[2*i:], uint16(v))
	}
	if dataSize < 0 {
		dataSize = int64(len(data))
	}
	total := 4 + 8 + 16 + len(extra) + 8 + len(data)
	if riffSize < 0 {
		riffSize = int64(total)
	}
	le := func(v any) { _ = binary.Write(&b, binary.LittleEndian, v) }
	b.WriteString("RIFF")
	le(uint32(riffSize))
	b.WriteString("WAVEfmt ")
	le(uint32(16))
	le(uint16(1))
	le(uint16(chans))
	le(uint32(rate))
	le(uint32(rate * chans * 2))
	le(uint16(chans * 2))
	le(uint16(16))
	b.Write(extra)
	b.WriteString("data")
	le(uint32(dataSize))
	b.Write(data)
	return b.Bytes()
}

func TestDecodeWAVHandBuilt(t *testing.T) {
	mono := []int16{0, 16384, -16384, 32767, -32768, 8192}
	// An odd-sized LIST chunk before data, padded to an even length.
	list := append([]byte("LIST\x05\x00\x00\x00INFOx"), 0)
	tests := []struct {
		name     string
		chans    int
		riff     int64
		data     int64
		extra    []byte
		frames   []int16
		want     []float32
		wantRate int
	}{
		{"exact sizes", 1, -1, -1, nil, mono, []float32{0, 0.5, -0.5, 32767.0 / 32768, -1, 0.25}, 16000},
		{"espeak placeholders", 1, 0x7ffff024, 0x7ffff000, nil, mono, []float32{0, 0.5, -0.5, 32767.0 / 32768, -1, 0.25}, 22050},
		{"all ones placeholders", 1, 0xffffffff, 0xffffffff, nil, mono, []float32{0, 0.5, -0.5, 32767.0 / 32768, -1, 0.25}, 48000},
		// A declared size of 0 is honoured: only a size claiming more
		// than exists is replaced by the real one.
		{"zero data size", 1, 0, 0, nil, mono, nil, 8000},
		{"chunk before data", 1, 0xffffffff, 0xffffffff, list, mono, []float32{0, 0.5, -0.5, 32767.0 / 32768, -1, 0.25}, 44100},
		{"stereo downmix", 2, 0xffffffff, 0xffffffff, nil, []int16{16384, 0, -16384, -16384, 32767, -32768}, []float32{0.25, -0.5, -1.0 / 65536}, 24000},
		{"trailing half frame", 2, -1, -1, nil, []int16{16384, 16384, 8192}, []float32{0.5}, 11025},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			raw := wavBytes(tt.wantRate, tt.chans, tt.frames, tt.riff, tt.data, tt.extra)
			c, err := DecodeWAV(bytes.NewReader(raw))
			if err != nil {
				t.Fatalf("DecodeWAV: %v", err)
			}
			if c.Rate != tt.wantRate {
				t.Errorf("rate = %d, want %d", c.Rate, tt.wantRate)
			}
			if len(c.Samples) != len(tt.want) {
				t.Fatalf("samples = %v, want %v", c.Samples, tt.want)
			}
			for i := range tt.want {
				if math.Abs(float64(c.Samples[i]-tt.want[i])) > 1e-6 {
					t.Errorf("sample %d = %v, want %v", i, c.Samples[i], tt.want[i])
				}
			}
		})
	}
}

func TestDecodeWAVErrors(t *testing.T) {
	pcm24 := wavBytes(8000, 1, []int16{1, 2, 3}, -1, -1, nil)
	binary.LittleEndian.PutUint16(pcm24[34:], 24)
	noData := wavBytes(8000, 1, nil, -1, -1, nil)[:36]
	truncated := wavBytes(8000, 1, nil, -1, -1, []byte("LIST\xff\x00\x00\x00ab"))
	tests := []struct {
		name string
		in   []byte
		want error
	}{
		{"empty", nil, ErrEmpty},
		{"text", []byte("Bonjour, ceci n'est pas un fichier WAV."), ErrNotWAV},
		{"mp3 magic", []byte("ID3\x04\x00\x00\x00\x00\x00\x00"), ErrNotWAV},
		{"no data chunk", noData, ErrNotWAV},
		{"truncated chunk", truncated, ErrNotWAV},
		{"24-bit", pcm24, ErrUnsupported},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := DecodeWAV(bytes.NewReader(tt.in))
			if !errors.Is(err, tt.want) {
				t.Fatalf("DecodeWAV error = %v, want %v", err, tt.want)
			}
		})
	}
}

func TestEncodeWAVRoundTrip(t *testing.T) {
	for _, c := range []Clip{
		sine(22050, 440, 0.8, 0, 250e6),
		{Rate: 16000, Samples: []float32{0, 1.5, -1.5, 0.25}}, // clipped
		{Rate: 8000},
	} {
		path := filepath.Join(t.TempDir(), "x.wav")
		f, err := os.Create(path)
		if err != nil {
			t.Fatal(err)
		}
		if err := EncodeWAV(f, c); err != nil {
			t.Fatalf("EncodeWAV: %v", err)
		}
		f.Close()
		raw, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		got, err := DecodeWAV(bytes.NewReader(raw))
		if err != nil {
			t.Fatalf("DecodeWAV(EncodeWAV): %v", err)
		}
		if got.Rate != c.Rate || len(got.Samples) != len(c.Samples) {
			t.Fatalf("round trip: %d Hz x %d, want %d Hz x %d", got.Rate, len(got.Samples), c.Rate, len(c.Samples))
		}
		for i, s := range c.Samples {
			want := math.Max(-1, math.Min(32767.0/32768, float64(s)))
			if d := math.Abs(float64(got.Samples[i]) - want); d > 1.0/32768 {
				t.Fatalf("sample %d = %v, want %v", i, got.Samples[i], want)
			}
		}
	}
	if err := EncodeWAV(nil, Clip{}); !errors.Is(err, ErrRate) {
		t.Errorf("EncodeWAV(rate 0) = %v, want ErrRate", err)
	}
}
