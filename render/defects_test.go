package render

import (
	"context"
	"io"
	"log/slog"
	"math"
	"testing"

	dto "github.com/prometheus/client_model/go"

	"ecouter/audio"
)

// ecouter_synth_characters_total counts what was sent to the backend, not
// the sentences read from the cache.
func TestSynthCharactersCountOnlySynthesis(t *testing.T) {
	f := newFixture(t)
	metrics := NewMetrics(nil)
	svc := New(f.src, f.syn, f.store, f.svc.cfg, f.svc.log, metrics)
	ctx := context.Background()
	m, err := svc.Ensure(ctx, "a1", Options{})
	if err != nil {
		t.Fatal(err)
	}
	counted := func() float64 {
		var d dto.Metric
		if err := metrics.characters.WithLabelValues(f.syn.Name()).Write(&d); err != nil {
			t.Fatal(err)
		}
		return d.GetCounter().GetValue()
	}
	if got := counted(); got != float64(m.Characters) {
		t.Fatalf("first render: %v characters counted, %d sent", got, m.Characters)
	}
	// Only the new sentence is synthesised: only it is counted.
	f.src.set("a1", "<p>Première phrase de l'article. Deuxième phrase !</p><h2>Un intertitre</h2><p>Un dernier paragraphe.</p><p>Ajout.</p>")
	if _, err := svc.Ensure(ctx, "a1", Options{Force: true, Wait: true}); err != nil {
		t.Fatal(err)
	}
	if got, want := counted(), float64(m.Characters+len("Ajout.")); got != want {
		t.Fatalf("after an edit of one sentence: %v characters counted, want %v", got, want)
	}
}

// Renders that overlap each learn from the offsets they used: two renders
// started with the same calibration and measuring the same miss leave the
// correction of one, not of both added up.
func TestCalibrationOverlappingRenders(t *testing.T) {
	c := &calibration{rec: &Archive{}, log: slog.New(slog.NewTextHandler(io.Discard, nil))}
	zero := 0.0
	c.loss = &zero
	c.once.Do(func() {}) // nothing stored to read
	used := c.current(context.Background())
	opt := audio.EncodeOptions{}
	// Both renders levelled at -19 LUFS, and the whole PCM measured 0.8 LU
	// lower (the pauses): the bias to learn is 0.8.
	for range 2 {
		if err := c.observe(used, audio.Clip{}, 60, opt, -19, -19.8); err != nil {
			t.Fatal(err)
		}
	}
	if got := c.current(context.Background()).bias; math.Abs(got-0.8) > 1e-9 {
		t.Fatalf("bias after two overlapping renders %.2f, want 0.80", got)
	}
	// A render that used the learned bias and landed on target keeps it.
	used = c.current(context.Background())
	if err := c.observe(used, audio.Clip{}, 60, opt, -19, -19); err != nil {
		t.Fatal(err)
	}
	if got := c.current(context.Background()).bias; math.Abs(got-0.8) > 1e-9 {
		t.Fatalf("bias after an on-target render %.2f, want 0.80", got)
	}
}
