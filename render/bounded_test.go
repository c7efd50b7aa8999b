package render

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"strings"
	"testing"
	"time"

	"ecouter/synth/synthtest"
)

// limited is a backend that reads at most n characters per call, like
// espeak-ng with its SentenceLimit.
type limited struct {
	*synthtest.Fake
	n int
}

func (l limited) SentenceLimit() int { return l.n }

func TestLongSentencesAreCutForTheEngine(t *testing.T) {
	f := newFixture(t)
	syn := limited{Fake: f.syn, n: 80}
	svc := New(f.src, syn, f.store, f.svc.cfg, slog.New(slog.NewTextHandler(io.Discard, nil)), nil)
	long := strings.TrimSuffix(strings.Repeat("le conseil a voté le budget, ", 20), ", ") + "."
	f.src.set("long", "<p>"+long+"</p><p>Une phrase courte.</p>")
	ctx := context.Background()
	m, err := svc.Ensure(ctx, "long", Options{})
	if err != nil {
		t.Fatal(err)
	}
	for _, text := range f.syn.Texts() {
		if n := len([]rune(text)); n > syn.n {
			t.Errorf("the engine was given %d characters (%q), limit %d", n, text, syn.n)
		}
	}
	// The listener still sees the sentence whole, timed from its first
	// piece to its last.
	var cue *int
	for i, c := range m.Cues {
		if c.Text == long {
			cue = &i
		}
	}
	if cue == nil {
		t.Fatalf("no cue holds the long sentence whole: %+v", m.Cues)
	}
	c := m.Cues[*cue]
	if next := m.Cues[*cue+1]; c.End-c.Start < 5 || next.Start < c.End {
		t.Fatalf("long sentence cue %.2f-%.2f, next starts %.2f", c.Start, c.End, next.Start)
	}
	if m.Sentences != len(m.Cues) || m.Synthesized != len(m.Cues) {
		t.Fatalf("%d sentences, %d synthesised, %d cues", m.Sentences, m.Synthesized, len(m.Cues))
	}
	// Cutting changes the audio, so such an article's key is not the one
	// an uncut render would have; other articles keep theirs.
	plain := New(f.src, f.syn, f.store, f.svc.cfg, f.svc.log, nil)
	a, _ := f.src.Article(ctx, "long")
	if plain.pl.prepare(a).key == m.Key {
		t.Fatal("a cut render has the key of an uncut one")
	}
	a1, _ := f.src.Article(ctx, "a1")
	if plain.pl.prepare(a1).key != svc.pl.prepare(a1).key {
		t.Fatal("a limit that cuts nothing changed an article's key")
	}
}

func TestTooLongArticleRefusedBeforeSynthesis(t *testing.T) {
	f := newFixture(t)
	cfg := f.svc.cfg
	cfg.MaxChars = 200
	svc := New(f.src, f.syn, f.store, cfg, f.svc.log, nil)
	svc.now = f.svc.now
	f.src.set("long", strings.Repeat("<p>Une phrase assez longue pour compter des caractères.</p>", 10))
	ctx := context.Background()
	_, err := svc.Ensure(ctx, "long", Options{Force: true, Wait: true})
	var tl *TooLongError
	if !errors.As(err, &tl) || !errors.Is(err, ErrTooLong) || tl.Max != 200 || tl.Chars <= 200 {
		t.Fatalf("article over the limit: %v, want a TooLongError", err)
	}
	if _, _, err := svc.Listen(ctx, "long"); !errors.Is(err, ErrTooLong) {
		t.Fatalf("listen: %v, want ErrTooLong", err)
	}
	if n := f.syn.Calls(); n != 0 {
		t.Fatalf("%d sentences synthesised for a refused article", n)
	}
	m, err := svc.Ensure(ctx, "a1", Options{})
	if err != nil {
		t.Fatalf("an article within the limit: %v", err)
	}
	// Edited beyond the limit: listeners keep the previous audio, the
	// caller waiting for the new render is told why there is none.
	f.src.set("a1", strings.Repeat("<p>Une phrase assez longue pour compter des caractères.</p>", 10))
	f.advance(time.Hour)
	if got, err := svc.Ensure(ctx, "a1", Options{}); err != nil || got.Key != m.Key {
		t.Fatalf("listener of an article edited beyond the limit: %v, %v", got, err)
	}
	if _, err := svc.Ensure(ctx, "a1", Options{Force: true, Wait: true}); !errors.Is(err, ErrTooLong) {
		t.Fatalf("waiting for the render of an article edited beyond the limit: %v", err)
	}
}
