package render

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"math"
	"strconv"
	"strings"
	"testing"
	"time"

	"ecouter/article"
	"ecouter/audio"
	"ecouter/audio/audiotest"
	"ecouter/render/segment"
	"ecouter/store"
	"ecouter/synth/synthtest"
)

// reuseStore renders, in a store of its own, a warm-up article and then
// each version of the article "long" in turn, and returns the service,
// its store and each version's manifest. The warm-up makes the store one
// past its first render, whose loudness calibration is measured, as any
// store is after a day in service.
func reuseStore(t *testing.T, full bool, versions ...string) (*memSource, store.Store, []*Manifest, *Service) {
	t.Helper()
	return reuseIn(t, newDirStore(t), full, versions...)
}

func reuseIn(t *testing.T, st store.Store, full bool, versions ...string) (*memSource, store.Store, []*Manifest, *Service) {
	t.Helper()
	ctx := context.Background()
	src := &memSource{articles: map[string]article.Article{}}
	cfg := DefaultConfig()
	cfg.FullReencode = full
	svc := New(src, voice16(), st, cfg, slog.New(slog.NewTextHandler(io.Discard, nil)), nil)
	src.set("warm", longArticle(30))
	if _, err := svc.Ensure(ctx, "warm", Options{}); err != nil {
		t.Fatal(err)
	}
	var ms []*Manifest
	for _, v := range versions {
		src.set("long", v)
		m, err := svc.Ensure(ctx, "long", Options{Force: true, Wait: true})
		if err != nil {
			t.Fatal(err)
		}
		ms = append(ms, m)
	}
	return src, st, ms, svc
}

// sixteenBit is a voice that speaks 16-bit samples, as espeak-ng and
// Polly do: what the sentence cache stores (16-bit WAV) is then what was
// synthesised, so a render from the cache equals one from the voice.
type sixteenBit struct{ *synthtest.Fake }

func voice16() sixteenBit { return sixteenBit{&synthtest.Fake{PerChar: 8 * time.Millisecond}} }

func (s sixteenBit) Synthesize(ctx context.Context, text string) (audio.Clip, error) {
	c, err := s.Fake.Synthesize(ctx, text)
	for i, v := range c.Samples {
		c.Samples[i] = float32(max(-32768, min(32767, math.Round(float64(v)*32768)))) / 32768
	}
	return c, err
}

// edited is the article with sentence n (1-based) longer.
func edited(html string, n int) string {
	old := "Voici la phrase numéro " + strconv.Itoa(n) + " de cet article"
	if !strings.Contains(html, old) {
		panic("no sentence " + strconv.Itoa(n))
	}
	return strings.Replace(html, old, "Voici la phrase numéro "+strconv.Itoa(n)+", qui vient d'être corrigée par la rédaction, de cet article", 1)
}

// An edit of one sentence re-renders by taking the frames of every run of
// sentences it left unchanged from the previous MP3: one sentence is
// synthesised, most are neither levelled nor encoded, and the stored file
// is the one a full render of the edited article gives, byte for byte.
func TestEditReusesUnchangedRuns(t *testing.T) {
	for name, newStore := range testStores {
		t.Run(name, func(t *testing.T) { editReusesUnchangedRuns(t, newStore(t)) })
	}
}

func editReusesUnchangedRuns(t *testing.T, st store.Store) {
	v1 := longArticle(60)
	v2 := edited(v1, 31)
	v3 := edited(v2, 8)
	_, st, ms, _ := reuseIn(t, st, false, v1, v2, v3)
	// The full render: v3 in a fresh store whose calibration is the one
	// the edits were levelled with.
	var idx segment.Index
	if err := json.Unmarshal(readStored(t, st, segmentsKey(ms[2].Audio)), &idx); err != nil {
		t.Fatal(err)
	}
	fullSt := newDirStore(t)
	cfg := DefaultConfig()
	cfg.FullReencode = true
	syn := voice16()
	loss := idx.Offsets.Loss
	if err := newRecords(fullSt).putCalibration(context.Background(), calibrationKey(syn.Fingerprint(), cfg), calibrationRecord{Bias: idx.Offsets.Bias, EncoderLoss: &loss}); err != nil {
		t.Fatal(err)
	}
	src := &memSource{articles: map[string]article.Article{}}
	src.set("long", v3)
	m, err := New(src, syn, fullSt, cfg, slog.New(slog.NewTextHandler(io.Discard, nil)), nil).Ensure(context.Background(), "long", Options{})
	if err != nil {
		t.Fatal(err)
	}
	full := []*Manifest{nil, nil, m}
	for k, m := range ms[1:] {
		if m.Synthesized != 1 {
			t.Errorf("edit %d: %d sentences synthesised, want 1", k+1, m.Synthesized)
		}
		if m.Reused < m.Sentences*2/3 {
			t.Errorf("edit %d: %d of %d sentences reused", k+1, m.Reused, m.Sentences)
		}
	}
	got, want := readStored(t, st, ms[2].Audio), readStored(t, fullSt, full[2].Audio)
	checkStream(t, ms[2], got)
	if len(got) != len(want) || ms[2].Duration != full[2].Duration {
		t.Fatalf("edited render: %d bytes, %.4fs; full render %d bytes, %.4fs", len(got), ms[2].Duration, len(want), full[2].Duration)
	}
	if len(ms[2].Cues) != len(full[2].Cues) {
		t.Fatalf("%d cues, full render %d", len(ms[2].Cues), len(full[2].Cues))
	}
	for i, c := range ms[2].Cues {
		if f := full[2].Cues[i]; c != f {
			t.Fatalf("cue %d: %+v, full render %+v", i, c, f)
		}
	}
	// Levelled alike, the files are the same, tag and frames.
	if !bytes.Equal(got, want) {
		n := 0
		for n < len(got) && got[n] == want[n] {
			n++
		}
		t.Errorf("the edited render's file differs from a full render's from byte %d of %d", n, len(got))
	}
	if d := math.Abs(ms[2].Loudness.OutputLUFS - full[2].Loudness.OutputLUFS); d > 0.05 {
		t.Errorf("loudness %.2f LUFS, full render %.2f", ms[2].Loudness.OutputLUFS, full[2].Loudness.OutputLUFS)
	}
}

// checkStream is what every stored render must be: ffmpeg decodes it
// without an error to the manifest's duration (within a frame), mp3val
// finds nothing to fix, its Info frame counts its frames and bytes, and
// every cue's time is where its sentence sounds.
func checkStream(t *testing.T, m *Manifest, file []byte) []float32 {
	t.Helper()
	pcm, outRate := audiotest.Decode(t, file, "-ar", "44100"), 44100
	if d := math.Abs(float64(len(pcm))/float64(outRate) - m.Duration); d > 1152.0/float64(outRate) {
		t.Errorf("decodes to %.4fs, manifest %.4fs", float64(len(pcm))/float64(outRate), m.Duration)
	}
	audiotest.MP3Val(t, file)
	checkInfoFrame(t, file)
	checkCues(t, m, pcm, outRate)
	return pcm
}

// When a reused run's frames cannot be read or joined (here: an index
// written before records were sealed points a byte off), the run is
// encoded again from its sentences: the
// file is still one valid stream with the same cues, and it sounds like
// the full render, within the codec's own error.
func TestReusedRunEncodedAgainWhenItsFramesFail(t *testing.T) {
	ctx := context.Background()
	v1 := longArticle(60)
	v2 := edited(v1, 31)
	src, st, ms, svc := reuseStore(t, false, v1)
	var idx segment.Index
	if err := json.Unmarshal(readStored(t, st, segmentsKey(ms[0].Audio)), &idx); err != nil {
		t.Fatal(err)
	}
	if len(idx.Runs) < 3 {
		t.Fatalf("%d runs indexed", len(idx.Runs))
	}
	for i := range idx.Runs {
		idx.Runs[i].From++
		idx.Runs[i].Sum, idx.Runs[i].Seal = nil, nil
	}
	b, _ := json.Marshal(idx)
	if err := st.Put(ctx, segmentsKey(ms[0].Audio), bytes.NewReader(b)); err != nil {
		t.Fatal(err)
	}
	src.set("long", v2)
	m, err := svc.Ensure(ctx, "long", Options{Force: true, Wait: true})
	if err != nil {
		t.Fatal(err)
	}
	if m.Reused == 0 {
		t.Fatal("no run was planned for reuse")
	}
	pcm := checkStream(t, m, readStored(t, st, m.Audio))
	_, fullSt, full, _ := reuseStore(t, true, v1, v2)
	ref := checkStream(t, full[1], readStored(t, fullSt, full[1].Audio))
	for i, c := range m.Cues {
		if c != full[1].Cues[i] {
			t.Fatalf("cue %d: %+v, full render %+v", i, c, full[1].Cues[i])
		}
	}
	// The runs encoded again without the reservoir differ from the full
	// render's frames only as one encoding of the PCM differs from another.
	var diff, signal float64
	for i := range min(len(pcm), len(ref)) {
		d := float64(pcm[i] - ref[i])
		diff += d * d
		signal += float64(ref[i]) * float64(ref[i])
	}
	if snr := 10 * math.Log10(signal/diff); snr < 25 {
		t.Errorf("encoded again, the audio is %.1f dB above its difference from the full render, want > 25", snr)
	}
	if d := math.Abs(m.Loudness.OutputLUFS - full[1].Loudness.OutputLUFS); d > 0.5 {
		t.Errorf("loudness %.2f LUFS, full render %.2f", m.Loudness.OutputLUFS, full[1].Loudness.OutputLUFS)
	}
}

// Nothing is reused from an index made for other settings, nor when the
// calibration moved more than the tolerance since the previous render.
func TestReuseRefused(t *testing.T) {
	ctx := context.Background()
	v1 := longArticle(40)
	src, st, ms, svc := reuseStore(t, false, v1)
	var idx segment.Index
	if err := json.Unmarshal(readStored(t, st, segmentsKey(ms[0].Audio)), &idx); err != nil {
		t.Fatal(err)
	}
	n := 20
	for _, tc := range []struct {
		name string
		edit func(*segment.Index)
	}{
		{"another voice or encoder", func(x *segment.Index) { x.Format = "other" }},
		{"levels a whole LU off", func(x *segment.Index) { x.Offsets.Bias += 1 }},
	} {
		x := idx
		tc.edit(&x)
		b, _ := json.Marshal(x)
		if err := st.Put(ctx, segmentsKey(ms[0].Audio), bytes.NewReader(b)); err != nil {
			t.Fatal(err)
		}
		v1 = edited(v1, n)
		n++
		src.set("long", v1)
		m, err := svc.Ensure(ctx, "long", Options{Force: true, Wait: true})
		if err != nil {
			t.Fatal(err)
		}
		if m.Reused != 0 {
			t.Errorf("%s: %d sentences reused", tc.name, m.Reused)
		}
		ms[0] = m
		if err := json.Unmarshal(readStored(t, st, segmentsKey(m.Audio)), &idx); err != nil {
			t.Fatal(err)
		}
	}
}

// Runs start where the content says, so an edit moves no other cut: the
// runs before and after an edited sentence are the same.
func TestRunsAreContentDefined(t *testing.T) {
	cfg := DefaultConfig()
	runsOf := func(html string) []string {
		a := &article.Article{Title: "Titre", HTML: html}
		us, _ := units(Narrate(a, cfg.Rules), 0)
		keys := make([]string, len(us))
		for i, u := range us {
			keys[i] = sentenceKey("v", u.spoken)
		}
		r := segment.NewRules(runUnits(us, keys, cfg.Pauses), cfg.Encode, 22050)
		var ids []string
		for i := r.End(0); i < len(us); i = r.End(i) {
			ids = append(ids, r.Identity(i, r.End(i)))
		}
		return ids
	}
	a, b := runsOf(longArticle(80)), runsOf(edited(longArticle(80), 40))
	if len(a) < 10 {
		t.Fatalf("%d runs in 80 sentences", len(a))
	}
	same := 0
	for _, id := range b {
		for _, o := range a {
			if id == o {
				same++
				break
			}
		}
	}
	if same < len(a)-2 {
		t.Errorf("%d of %d runs unchanged by a one-sentence edit, want all but at most 2", same, len(a))
	}
}

// The meter's steps, stored per run and added back, give the loudness of
// the whole, stretches starting in silence.
func TestMeterStepsAddUp(t *testing.T) {
	f := &synthtest.Fake{PerChar: 8 * time.Millisecond}
	var whole []float32
	m := audio.NewMeter(22050)
	sum := audio.NewMeter(22050)
	for i := range 6 {
		c := f.Clip(strings.Repeat("mot ", 20+i*7)).Samples
		gap := make([]float32, 22050/3)
		part := audio.NewMeter(22050)
		m.Restart()
		for _, s := range [][]float32{gap, c, gap} {
			whole = append(whole, s...)
			m.Add(s)
			part.Add(s)
		}
		sum.AddSteps(part.Steps(0))
	}
	ref := audio.Loudness(audio.Clip{Rate: 22050, Samples: whole})
	if d := math.Abs(sum.Loudness() - ref); d > 0.05 {
		t.Errorf("summed from steps %.3f LUFS, whole %.3f", sum.Loudness(), ref)
	}
	if d := math.Abs(m.Loudness() - ref); d > 0.05 {
		t.Errorf("restarted meter %.3f LUFS, whole %.3f", m.Loudness(), ref)
	}
}
