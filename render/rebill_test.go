package render

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"testing"
	"time"

	"ecouter/article"
	"ecouter/internal/testwait"
	"ecouter/store"
	"ecouter/synth/synthtest"
)

// TestKilledRenderRebillsOnlyInFlight: a render cut mid-way (its owner
// killed, its context cancelled), then rendered again (the node taking
// it over) bills again only the sentences that were in flight when it was
// cut: at most Parallel, the render's synthesis slots. With an engine that
// answers a request it had started, as Polly does, even those are cached
// and nothing is billed twice.
func TestKilledRenderRebillsOnlyInFlight(t *testing.T) {
	const parallel, sentences = 3, 30
	var html strings.Builder
	for i := range sentences - 2 { // the title and the byline are units too
		fmt.Fprintf(&html, "<p>Voici la phrase numéro %d de cet article.</p>", i+1)
	}
	art := &article.Article{ID: "long", Title: "Un long article", Author: "Claire Martin", HTML: html.String()}
	for _, answered := range []bool{false, true} {
		t.Run(map[bool]string{false: "Cancelled", true: "Answered"}[answered], func(t *testing.T) {
			st, err := store.NewDir(t.TempDir())
			if err != nil {
				t.Fatal(err)
			}
			owner := &synthtest.Fake{PerChar: time.Millisecond, Bill: true, Delay: 40 * time.Millisecond, Answered: answered}
			cfg := DefaultConfig()
			cfg.Parallel = parallel
			log := slog.New(slog.NewTextHandler(io.Discard, nil))
			first := New(nil, owner, st, cfg, log, nil)
			ctx, cancel := context.WithCancel(context.Background())
			done := make(chan error, 1)
			p := first.pl.prepare(art)
			go func() {
				_, err := first.pl.run(ctx, task{id: art.ID, p: p})
				done <- err
			}()
			testwait.Eventually(t, func() bool { return owner.Billed() >= 10 }, "the owner billed for 10 sentences")
			cancel() // the owner dies mid-render
			if err := <-done; !errors.Is(err, context.Canceled) {
				t.Fatalf("cut render: %v", err)
			}
			taker := &synthtest.Fake{PerChar: time.Millisecond, Bill: true}
			m, err := New(nil, taker, st, cfg, log, nil).pl.run(context.Background(), task{id: art.ID, p: p})
			if err != nil {
				t.Fatal(err)
			}
			if m.Sentences != sentences {
				t.Fatalf("%d sentences, want %d", m.Sentences, sentences)
			}
			rebilled := owner.Billed() + taker.Billed() - sentences
			t.Logf("owner billed %d sentences before it was cut, the new owner %d: %d billed twice (bound: %d in flight)",
				owner.Billed(), taker.Billed(), rebilled, parallel)
			want := parallel
			if answered {
				want = 0
			}
			if rebilled > want {
				t.Fatalf("%d sentences billed twice, want at most %d", rebilled, want)
			}
		})
	}
}
