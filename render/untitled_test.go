package render

import (
	"context"
	"io"
	"log/slog"
	"testing"
	"testing/fstest"
	"time"

	"ecouter/article"
	"ecouter/synth/synthtest"
)

// An article whose title is empty is read without it, from its first
// sentence: the whole article used to be refused (422) for its title.
func TestUntitledArticleReadsItsText(t *testing.T) {
	src := article.NewDir(fstest.MapFS{
		"breve.json": {Data: []byte(`{"title":"","html":"<p>Première phrase du texte. Seconde phrase.</p>"}`)},
	})
	svc := New(src, &synthtest.Fake{PerChar: 8 * time.Millisecond}, newDirStore(t), DefaultConfig(), slog.New(slog.NewTextHandler(io.Discard, nil)), nil)
	m, err := svc.Ensure(context.Background(), "breve", Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(m.Cues) != 2 || m.Cues[0].Text != "Première phrase du texte." || m.Title != "" {
		t.Fatalf("title %q, cues %+v", m.Title, m.Cues)
	}
}
