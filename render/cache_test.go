package render

import (
	"bytes"
	"context"
	"io"
	"math"
	"strings"
	"testing"

	"ecouter/article"
	"ecouter/audio"
	"ecouter/synth/synthtest"
)

func TestSentenceCache(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	m, err := f.svc.Ensure(ctx, "a1", Options{})
	if err != nil {
		t.Fatal(err)
	}
	if m.Synthesized != 6 {
		t.Fatalf("first render synthesised %d sentences, want 6", m.Synthesized)
	}
	// Edit one sentence: only it is synthesised again.
	f.src.set("a1", "<p>Première phrase de l'article. Deuxième phrase modifiée !</p><h2>Un intertitre</h2><p>Un dernier paragraphe.</p>")
	calls := f.syn.Calls()
	m2, err := f.svc.Ensure(ctx, "a1", Options{Force: true, Wait: true})
	if err != nil {
		t.Fatal(err)
	}
	if got := f.syn.Calls() - calls; got != 1 || m2.Synthesized != 1 {
		t.Fatalf("one edited sentence: %d backend calls, manifest says %d; want 1", got, m2.Synthesized)
	}
	if last := f.syn.Texts()[len(f.syn.Texts())-1]; last != "Deuxième phrase modifiée !" {
		t.Fatalf("re-synthesised %q", last)
	}
	// Another article sharing sentences pays only for the new ones.
	f.src.mu.Lock()
	f.src.articles["a2"] = article.Article{ID: "a2", Title: "Un titre", Author: "Claire Martin", HTML: "<p>Un dernier paragraphe. Du neuf.</p>"}
	f.src.mu.Unlock()
	calls = f.syn.Calls()
	m3, err := f.svc.Ensure(ctx, "a2", Options{})
	if err != nil {
		t.Fatal(err)
	}
	if got := f.syn.Calls() - calls; got != 1 || m3.Sentences != 4 {
		t.Fatalf("shared sentences: %d backend calls for %d sentences, want 1", got, m3.Sentences)
	}
	entries, err := f.store.List(ctx, "sentences/")
	if err != nil || len(entries) != 8 {
		t.Fatalf("sentence entries: %d, %v; want 8", len(entries), err)
	}
}

func TestDamagedSentenceEntryIsResynthesised(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	if _, err := f.svc.Ensure(ctx, "a1", Options{}); err != nil {
		t.Fatal(err)
	}
	entries, _ := f.store.List(ctx, "sentences/")
	if err := f.store.Put(ctx, entries[0].Key, strings.NewReader("not a wav")); err != nil {
		t.Fatal(err)
	}
	f.src.set("a1", "<p>Première phrase de l'article. Deuxième phrase !</p><h2>Un intertitre</h2><p>Un dernier paragraphe. Et une autre.</p>")
	calls := f.syn.Calls()
	if _, err := f.svc.Ensure(ctx, "a1", Options{Force: true, Wait: true}); err != nil {
		t.Fatal(err)
	}
	if got := f.syn.Calls() - calls; got != 2 {
		t.Fatalf("%d backend calls, want 2 (the new sentence and the damaged entry)", got)
	}
}

func TestListenStreamsTheSameAudioAsStored(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	m, st, err := f.svc.Listen(ctx, "a1")
	if err != nil || m != nil || st == nil {
		t.Fatalf("first listen: manifest %v, stream %v, %v; want a stream", m, st, err)
	}
	// A second listener during the render joins the same stream.
	_, st2, err := f.svc.Listen(ctx, "a1")
	if err != nil {
		t.Fatal(err)
	}
	// A listener who leaves at once does not cancel the render.
	gone, cancel := context.WithCancel(ctx)
	cancel()
	if _, err := io.ReadAll(st.Reader(gone)); err == nil {
		t.Fatal("a cancelled listener read to the end")
	}
	streamed, err := io.ReadAll(st.Reader(ctx))
	if err != nil {
		t.Fatal(err)
	}
	if st2 != nil {
		again, _ := io.ReadAll(st2.Reader(ctx))
		if !bytes.Equal(again, streamed) {
			t.Fatal("the second listener got other bytes")
		}
	}
	// When the stream ends, the file is stored and served instead.
	m, st, err = f.svc.Listen(ctx, "a1")
	if err != nil || m == nil || st != nil {
		t.Fatalf("after the stream: manifest %v, stream %v, %v", m, st, err)
	}
	if f.syn.Calls() != 6 {
		t.Fatalf("%d backend calls, want 6 (one render)", f.syn.Calls())
	}
	b, err := f.svc.Archive().Open(ctx, m)
	if err != nil {
		t.Fatal(err)
	}
	stored, _ := io.ReadAll(b)
	b.Close()
	live, err := audio.DecodeMP3(bytes.NewReader(streamed))
	if err != nil {
		t.Fatal(err)
	}
	file, err := audio.DecodeMP3(bytes.NewReader(stored))
	if err != nil {
		t.Fatal(err)
	}
	if math.Abs(live.Seconds()-file.Seconds()) > 0.01*file.Seconds() {
		t.Fatalf("streamed %.2fs, stored %.2fs", live.Seconds(), file.Seconds())
	}
	if d := math.Abs(audio.Loudness(live) - audio.Loudness(file)); d > 1 {
		t.Fatalf("loudness differs by %.2f LU", d)
	}
	// Same frames: the stored file differs only in its tags and the Info
	// header that replaces lame's placeholder frame.
	if !bytes.HasSuffix(stored, streamed[len(streamed)-1000:]) {
		t.Fatal("stored frames differ from the streamed ones")
	}
}

func TestLevelling(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	// Two renders: the second benefits from the first one's calibration.
	for _, id := range []string{"a1", "a2"} {
		f.src.set(id, strings.Repeat("<p>Une phrase assez longue pour mesurer le niveau sonore de l'article. Et une autre phrase.</p>", 4))
		m, err := f.svc.Ensure(ctx, id, Options{})
		if err != nil {
			t.Fatal(err)
		}
		if m.Loudness.TruePeak > f.svc.cfg.CeilingDBTP+0.05 {
			t.Fatalf("%s: true peak %.2f dBTP above the ceiling", id, m.Loudness.TruePeak)
		}
		t.Logf("%s: output %.2f LUFS, MP3 %.2f LUFS", id, m.Loudness.OutputLUFS, m.Loudness.MP3LUFS)
		if d := math.Abs(m.Loudness.MP3LUFS - f.svc.cfg.TargetLUFS); id == "a2" && d > 0.5 {
			t.Fatalf("%s: MP3 at %.2f LUFS, target %.1f", id, m.Loudness.MP3LUFS, f.svc.cfg.TargetLUFS)
		}
	}
}

// A new process on the same store starts from the calibration earlier
// renders measured.
func TestCalibrationSurvivesRestart(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	f.src.set("long", strings.Repeat("<p>Une phrase assez longue pour mesurer le niveau sonore de l'article. Et une autre phrase.</p>", 4))
	if _, err := f.svc.Ensure(ctx, "long", Options{}); err != nil {
		t.Fatal(err)
	}
	learned := f.svc.pl.calib.current(ctx).total()
	if learned == 0 {
		t.Fatal("nothing was learned from the first render")
	}
	again := New(f.src, f.syn, f.store, f.svc.cfg, f.svc.log, nil)
	if got := again.pl.calib.current(ctx).total(); math.Abs(got-learned) > 1e-9 {
		t.Fatalf("restarted service offset %.3f, learned %.3f", got, learned)
	}
	// Another voice does not inherit it.
	other := New(f.src, &synthtest.Fake{Rate: 16000}, f.store, f.svc.cfg, f.svc.log, nil)
	if got := other.pl.calib.current(ctx).total(); got != 0 {
		t.Fatalf("another voice starts from %.3f, want 0", got)
	}
}
