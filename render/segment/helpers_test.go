package segment

import (
	"bytes"
	"context"
	"io"
	"math"
	"sync"
	"testing"
	"time"

	"ecouter/audio"
)

// memOut is an Output in memory.
type memOut struct {
	mu sync.Mutex
	b  []byte
}

func (m *memOut) Write(p []byte) (int, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.b = append(m.b, p...)
	return len(p), nil
}

func (m *memOut) ReadAt(p []byte, off int64) (int, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if off >= int64(len(m.b)) {
		return 0, io.EOF
	}
	n := copy(p, m.b[off:])
	if n < len(p) {
		return n, io.EOF
	}
	return n, nil
}

// speech is a soft tone of d between two 100 ms silences, at rate, its
// pitch from seed: what a fake voice says.
func speech(d time.Duration, rate int, seed int) []float32 {
	margin := int(100 * time.Millisecond * time.Duration(rate) / time.Second)
	n := int(d * time.Duration(rate) / time.Second)
	s := make([]float32, margin+n+margin)
	hz := 200 + float64(seed*37%400)
	for i := range n {
		s[margin+i] = float32(0.3 * math.Sin(2*math.Pi*hz*float64(i)/float64(rate)))
	}
	return s
}

// sentence is one unit of a test article: its text and samples.
type sentence struct {
	text    string
	samples []float32
}

// article makes n sentences of about 1.5 s, each its own unit, with a
// paragraph pause between them.
func article(n, rate int) ([]Unit, []sentence) {
	us := make([]Unit, n)
	ss := make([]sentence, n)
	for i := range n {
		text := "phrase " + string(rune('A'+i%26)) + string(rune('a'+i/26))
		us[i] = Unit{Key: "key:" + text, Text: text, Sentence: i, First: true, Pause: 750 * time.Millisecond}
		ss[i] = sentence{text: text, samples: speech(1400*time.Millisecond, rate, i)}
	}
	return us, ss
}

// rendered is what write made: the stored file (tag, then frames), its
// index and cues, and how many units came from the previous render.
type rendered struct {
	file   []byte
	idx    *Index
	cues   []Cue
	reused int
}

// write encodes the article as render does: each unit after its pause,
// the runs plan has from the previous render (prev, if any) in place of
// their audio.
func write(t *testing.T, us []Unit, ss []sentence, prev *Previous) rendered {
	t.Helper()
	const rate = 22050
	a := Article{}
	if prev != nil {
		a.Plan = NewPlan(*prev, us, audio.EncodeOptions{}, 0, func(run string, err error) { t.Logf("run %s: %v", run, err) })
	}
	defer a.Close()
	var out rendered
	if err := a.Start(Config{Rate: rate, Parallel: 2, Out: &memOut{}}, us, 250*time.Millisecond); err != nil {
		t.Fatal(err)
	}
	clip := func(u int) ([]float32, error) { return ss[u].samples, nil }
	for i := 0; i < len(us); {
		if i > 0 {
			if r := a.Pause(context.Background(), i, clip); r != nil {
				pos := r.At
				for k, ur := range r.Units {
					pos += ur.Pause
					start := float64(pos) / rate
					pos += ur.Len
					out.cues = append(out.cues, Cue{Text: ss[i+k].text, Start: start, End: float64(pos) / rate})
				}
				out.reused += len(r.Units)
				i += len(r.Units)
				continue
			}
		}
		start := a.Enc.Seconds()
		a.Clip(ss[i].samples, audio.NormalizeResult{InputLUFS: -20, GainDB: 2, OutputLUFS: -18, TruePeakDBTP: -8})
		out.cues = append(out.cues, Cue{Text: ss[i].text, Start: start, End: a.Enc.Seconds()})
		i++
	}
	a.Enc.Silence(600 * time.Millisecond)
	file, size, err := a.Enc.Finish(audio.Tags{Title: "test"})
	if err != nil {
		t.Fatal(err)
	}
	if out.file, err = io.ReadAll(file); err != nil || int64(len(out.file)) != size {
		t.Fatalf("read %d bytes of %d: %v", len(out.file), size, err)
	}
	out.idx = a.Index("format", Offsets{})
	return out
}

// previous is what the next render knows of r.
func previous(r rendered) *Previous {
	return &Previous{Index: r.idx, Format: "format", Cues: r.cues, Ceiling: -1,
		Open: func(context.Context) (io.ReadSeekCloser, error) { return nopCloser{bytes.NewReader(r.file)}, nil }}
}

type nopCloser struct{ io.ReadSeeker }

func (nopCloser) Close() error { return nil }
