package render

import (
	"context"
	"encoding/binary"
	"fmt"
	"io"
	"log/slog"
	"math"
	"strings"
	"testing"
	"time"

	"ecouter/article"
	"ecouter/audio/audiotest"
	"ecouter/render/segment"
	"ecouter/store"
	"ecouter/synth/synthtest"
)

// longArticle has n sentences of about 80 characters.
func longArticle(n int) string {
	var b strings.Builder
	for i := range n {
		if i%5 == 0 {
			b.WriteString("<p>")
		}
		fmt.Fprintf(&b, "Voici la phrase numéro %d de cet article, assez longue pour durer un peu. ", i+1)
		if i%5 == 4 {
			b.WriteString("</p>")
		}
	}
	return b.String()
}

// segmentedFixture renders with a fake voice at rate, in many segments.
func segmentedFixture(t *testing.T, rate int) (*Service, *memSource, store.Store) {
	t.Helper()
	src := &memSource{articles: map[string]article.Article{}}
	st, err := store.NewDir(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	svc := New(src, &synthtest.Fake{Rate: rate, PerChar: 8 * time.Millisecond}, st, DefaultConfig(), slog.New(slog.NewTextHandler(io.Discard, nil)), nil)
	return svc, src, st
}

func readStored(t *testing.T, st store.Store, key string) []byte {
	t.Helper()
	b, err := st.Open(context.Background(), key)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	data, err := io.ReadAll(b)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// A render encoded in segments on every core is stored as one valid MP3:
// ffmpeg decodes it without an error to the manifest's duration (within a
// frame), mp3val finds nothing to fix, its Info frame counts its frames
// and bytes, and every cue's time is where its sentence sounds.
func TestSegmentedRenderIsOneValidStream(t *testing.T) {
	for _, rate := range []int{22050, 16000} {
		t.Run(fmt.Sprint(rate, " Hz"), func(t *testing.T) {
			svc, src, st := segmentedFixture(t, rate)
			src.set("long", longArticle(60))
			m, err := svc.Ensure(context.Background(), "long", Options{})
			if err != nil {
				t.Fatal(err)
			}
			if m.Duration < 4*segment.MinSegment.Seconds() {
				t.Fatalf("the article lasts %.1fs: too short for several segments", m.Duration)
			}
			file := readStored(t, st, m.Audio)
			pcm, outRate := audiotest.Decode(t, file, "-ar", "44100"), 44100
			if d := math.Abs(float64(len(pcm))/float64(outRate) - m.Duration); d > 1152.0/float64(outRate) {
				t.Errorf("decodes to %.4fs, manifest %.4fs", float64(len(pcm))/float64(outRate), m.Duration)
			}
			audiotest.MP3Val(t, file)
			checkInfoFrame(t, file)
			checkCues(t, m, pcm, outRate)
		})
	}
}

// checkInfoFrame walks the frames after the ID3 tag: the first is the
// Info frame, whose frame and byte counts must be the file's.
func checkInfoFrame(t *testing.T, file []byte) {
	t.Helper()
	if len(file) < 10 || string(file[:3]) != "ID3" {
		t.Fatal("no ID3 tag")
	}
	id3 := 10 + (int(file[6])<<21 | int(file[7])<<14 | int(file[8])<<7 | int(file[9]))
	b := file[id3:]
	frames := 0
	for off := 0; off < len(b); frames++ {
		h := b[off:]
		if len(h) < 4 || h[0] != 0xFF || h[1]&0xE0 != 0xE0 {
			t.Fatalf("no frame at byte %d", off)
		}
		kbps := []int{0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320}[h[2]>>4]
		rate := []int{44100, 48000, 32000}[(h[2]>>2)&3]
		off += 144000*kbps/rate + int(h[2]>>1&1)
	}
	x := 4 + 17
	if string(b[x:x+4]) != "Info" {
		t.Fatalf("first frame is not an Info frame: %q", b[x:x+4])
	}
	if n := int(binary.BigEndian.Uint32(b[x+8:])); n != frames-1 {
		t.Errorf("Info frame counts %d frames, the file has %d", n, frames-1)
	}
	if n := int(binary.BigEndian.Uint32(b[x+12:])); n != len(b) {
		t.Errorf("Info frame counts %d bytes, the file has %d", n, len(b))
	}
}

// checkCues: each sentence sounds between its cue's start and end, and
// the pause before it is silent.
func checkCues(t *testing.T, m *Manifest, pcm []float32, rate int) {
	t.Helper()
	rms := func(from, to float64) float64 {
		a, b := int(from*float64(rate)), min(len(pcm), int(to*float64(rate)))
		e := 0.0
		for _, s := range pcm[a:b] {
			e += float64(s) * float64(s)
		}
		return math.Sqrt(e / float64(max(1, b-a)))
	}
	prevEnd := 0.0
	for i, c := range m.Cues {
		if loud := rms(c.Start+0.03, c.End-0.03); loud < 0.01 {
			t.Fatalf("cue %d [%.3f, %.3f] is silent (RMS %.4f)", i, c.Start, c.End, loud)
		}
		if i > 0 && c.Start-prevEnd > 0.1 {
			if quiet := rms(prevEnd+0.02, c.Start-0.02); quiet > 0.001 {
				t.Fatalf("the pause before cue %d [%.3f, %.3f] sounds (RMS %.4f)", i, prevEnd, c.Start, quiet)
			}
		}
		prevEnd = c.End
	}
}
