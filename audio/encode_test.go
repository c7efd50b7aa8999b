package audio

import (
	"bytes"
	"errors"
	"math"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/bogem/id3v2/v2"
)

// firstFrame returns the bytes after the ID3v2 tag at the start of mp3.
func firstFrame(t *testing.T, mp3 []byte) []byte {
	t.Helper()
	if len(mp3) < 10 || string(mp3[:3]) != "ID3" {
		t.Fatalf("no ID3v2 tag at the start")
	}
	size := int(mp3[6])<<21 | int(mp3[7])<<14 | int(mp3[8])<<7 | int(mp3[9])
	rest := mp3[10+size:]
	if len(rest) < 4 || rest[0] != 0xFF || rest[1]&0xE0 != 0xE0 {
		t.Fatalf("no MPEG frame sync after the ID3 tag")
	}
	return rest
}

func TestEncodeMP3(t *testing.T) {
	tone := Fade(sine(22050, 440, 0.5, 0, 10*time.Second), 10*time.Millisecond, 10*time.Millisecond)
	speech := espeakClip(t, frenchSentence)
	tests := []struct {
		name   string
		clip   Clip
		opt    EncodeOptions
		header string
		// Loudness change allowed through the codec. At 64 kbps CBR lame
		// loses ~0.5 LU, the lame CLI as much (ffmpeg: a 440 Hz tone
		// -9.7 -> -10.2 LUFS, this sentence -22.2 -> -22.7 LUFS).
		lu float64
	}{
		{"tone CBR", tone, EncodeOptions{}, "Info", 0.6},
		{"tone VBR", tone, EncodeOptions{VBR: true}, "Xing", 0.1},
		{"speech CBR", speech, EncodeOptions{}, "Info", 0.6},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var buf bytes.Buffer
			n, err := EncodeMP3(&buf, tt.clip, tt.opt, Tags{Title: "Essai"})
			if err != nil {
				t.Fatalf("EncodeMP3: %v", err)
			}
			if n != int64(buf.Len()) {
				t.Errorf("reported %d bytes, wrote %d", n, buf.Len())
			}
			frames := firstFrame(t, buf.Bytes())
			// MPEG-1 layer III mono: the Xing/Info tag sits 17 bytes after
			// the 4-byte header (side info).
			if got := string(frames[4+17 : 4+17+4]); got != tt.header {
				t.Errorf("first frame tag = %q, want %q", got, tt.header)
			}
			if mode := frames[3] >> 6; mode != 3 {
				t.Errorf("channel mode = %d, want 3 (mono)", mode)
			}
			if !tt.opt.VBR {
				kbps := float64(len(frames)) * 8 / tt.clip.Seconds() / 1000
				if math.Abs(kbps-64) > 3 {
					t.Errorf("CBR bitrate from size = %.1f kbps, want ≈ 64", kbps)
				}
			}
			dec, err := DecodeMP3(bytes.NewReader(buf.Bytes()))
			if err != nil {
				t.Fatalf("DecodeMP3: %v", err)
			}
			if dec.Rate != 44100 {
				t.Errorf("decoded rate = %d, want 44100", dec.Rate)
			}
			// go-mp3 keeps lame's delay, padding and the Info frame
			// (~3,400 samples at most): under 0.1 s.
			if d := dec.Seconds() - tt.clip.Seconds(); d < 0 || d > 0.1 {
				t.Errorf("decoded %.3fs for %.3fs of input", dec.Seconds(), tt.clip.Seconds())
			}
			// The audio survived the round trip.
			if in, got := Loudness(tt.clip), Loudness(dec); math.Abs(in-got) > tt.lu {
				t.Errorf("loudness %.2f LUFS after MP3, %.2f before", got, in)
			}
		})
	}
}

func TestEncodeMP3Empty(t *testing.T) {
	var buf bytes.Buffer
	if _, err := EncodeMP3(&buf, Clip{Rate: 22050}, EncodeOptions{}, Tags{}); !errors.Is(err, ErrEmpty) {
		t.Errorf("empty clip: err = %v, want ErrEmpty", err)
	}
	if buf.Len() != 0 {
		t.Errorf("empty clip wrote %d bytes", buf.Len())
	}
}

func TestNewEncoderOptions(t *testing.T) {
	tests := []struct {
		name string
		rate int
		opt  EncodeOptions
		want error
	}{
		{"no input rate", 0, EncodeOptions{}, ErrRate},
		{"odd output rate", 22050, EncodeOptions{SampleRate: 44000}, ErrRate},
		{"bitrate", 22050, EncodeOptions{Bitrate: 1000}, ErrUnsupported},
		{"quality", 22050, EncodeOptions{Quality: 12}, ErrUnsupported},
		{"ok 22.05 kHz out", 16000, EncodeOptions{SampleRate: 22050, Bitrate: 32}, nil},
	}
	for _, tt := range tests {
		e, err := NewEncoder(tt.rate, tt.opt)
		if !errors.Is(err, tt.want) {
			t.Errorf("%s: err = %v, want %v", tt.name, err, tt.want)
		}
		if e != nil {
			e.Close()
		}
	}
}

// TestEncoderIncremental feeds an encoder in small pieces, as streaming
// will, from several goroutines at once on separate encoders (under -race
// this also covers the shared lame initialisation).
func TestEncoderIncremental(t *testing.T) {
	c := speechLike(22050, 3*time.Second)
	var wg sync.WaitGroup
	sizes := make([]int, 4)
	for g := range sizes {
		wg.Go(func() {
			e, err := NewEncoder(c.Rate, EncodeOptions{})
			if err != nil {
				t.Error(err)
				return
			}
			defer e.Close()
			var out []byte
			for i := 0; i < len(c.Samples); i += 1000 {
				b, err := e.Encode(c.Samples[i:min(i+1000, len(c.Samples))])
				if err != nil {
					t.Error(err)
					return
				}
				out = append(out, b...)
			}
			tail, err := e.Flush()
			if err != nil {
				t.Error(err)
				return
			}
			out = append(out, tail...)
			tag := e.LameTag()
			if len(tag) == 0 || !bytes.Contains(tag, []byte("Info")) || !bytes.Contains(tag, []byte("LAME")) {
				t.Errorf("LameTag = %d bytes without Info/LAME", len(tag))
			}
			sizes[g] = len(out)
		})
	}
	wg.Wait()
	for _, s := range sizes[1:] {
		if s != sizes[0] || s == 0 {
			t.Errorf("encoders disagree on output size: %v", sizes)
		}
	}

	e, err := NewEncoder(22050, EncodeOptions{})
	if err != nil {
		t.Fatal(err)
	}
	e.Close()
	e.Close() // idempotent
	if _, err := e.Encode([]float32{0}); !errors.Is(err, ErrEncoderClosed) {
		t.Errorf("Encode after Close: %v, want ErrEncoderClosed", err)
	}
	if e.LameTag() != nil {
		t.Error("LameTag after Close is not nil")
	}
}

func TestEncodeMP3Tags(t *testing.T) {
	tags := Tags{
		Title:   "Transition énergétique : le projet de loi",
		Artist:  "Le Quotidien",
		Album:   "Le Quotidien, lu à voix haute",
		Date:    "2026-11-26",
		URL:     "https://example.org/articles/transition",
		Comment: "Lu par une voix de synthèse.",
	}
	c := sine(22050, 440, 0.3, 0, 2*time.Second)
	var buf bytes.Buffer
	if _, err := EncodeMP3(&buf, c, EncodeOptions{}, tags); err != nil {
		t.Fatal(err)
	}
	tag, err := id3v2.ParseReader(bytes.NewReader(buf.Bytes()), id3v2.Options{Parse: true})
	if err != nil {
		t.Fatalf("ParseReader: %v", err)
	}
	if tag.Version() != 4 {
		t.Errorf("ID3 version = %d, want 4", tag.Version())
	}
	for id, want := range map[string]string{
		"TIT2": tags.Title, "TPE1": tags.Artist, "TALB": tags.Album,
		"TDRC": tags.Date, "TLEN": "2000",
	} {
		if got := tag.GetTextFrame(id).Text; got != want {
			t.Errorf("%s = %q, want %q", id, got, want)
		}
	}
	if f, ok := tag.GetLastFrame("WOAS").(id3v2.UnknownFrame); !ok || string(f.Body) != tags.URL {
		t.Errorf("WOAS = %#v, want %q", tag.GetLastFrame("WOAS"), tags.URL)
	}
	if f, ok := tag.GetLastFrame("COMM").(id3v2.CommentFrame); !ok || f.Text != tags.Comment || f.Language != "fra" {
		t.Errorf("COMM = %#v", tag.GetLastFrame("COMM"))
	}
}

func TestWriteTagsEmpty(t *testing.T) {
	var buf bytes.Buffer
	n, err := WriteTags(&buf, Tags{}, 0)
	if err != nil || n != 0 || buf.Len() != 0 {
		t.Errorf("WriteTags(empty) = %d, %v, %d bytes; want nothing written", n, err, buf.Len())
	}
}

// TestEncodeMP3MatchesLameCLI encodes the same sentence with EncodeMP3 and
// with the lame CLI at the settings ecouter uses; the decoded results must
// have the same length and loudness, so the options really reach lame.
func TestEncodeMP3MatchesLameCLI(t *testing.T) {
	c := espeakClip(t, frenchSentence)
	dir := t.TempDir()
	wavPath, mp3Path := filepath.Join(dir, "in.wav"), filepath.Join(dir, "out.mp3")
	f, err := os.Create(wavPath)
	if err != nil {
		t.Fatal(err)
	}
	if err := EncodeWAV(f, c); err != nil {
		t.Fatal(err)
	}
	f.Close()
	run(t, "lame", "--silent", "-b", "64", "--resample", "44.1", "-m", "m", "-q", "3", wavPath, mp3Path)
	cli, err := os.ReadFile(mp3Path)
	if err != nil {
		t.Fatal(err)
	}
	var ours bytes.Buffer
	if _, err := EncodeMP3(&ours, c, EncodeOptions{}, Tags{}); err != nil {
		t.Fatal(err)
	}
	a, err := DecodeMP3(bytes.NewReader(ours.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	b, err := DecodeMP3(bytes.NewReader(cli))
	if err != nil {
		t.Fatal(err)
	}
	// Same frame count and CBR size; the bytes differ slightly because the
	// CLI feeds lame 16-bit integers and EncodeMP3 floats.
	frames := firstFrame(t, ours.Bytes()) // skips the TLEN-only ID3 tag
	if len(a.Samples) != len(b.Samples) || len(frames) != len(cli) {
		t.Errorf("EncodeMP3: %d samples, %d bytes; lame CLI: %d samples, %d bytes",
			len(a.Samples), len(frames), len(b.Samples), len(cli))
	}
	if la, lb := Loudness(a), Loudness(b); math.Abs(la-lb) > 0.1 {
		t.Errorf("loudness: EncodeMP3 %.2f LUFS, lame CLI %.2f LUFS", la, lb)
	}
}
