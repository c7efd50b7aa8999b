package main

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
	"unicode"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"ecouter/internal/testwait"
)

// articlePage is a news site's article page as a CMS draws it: the title
// outside the text container, the text as its HTML (figure, inline
// markup, typographic apostrophe, no-break space), no sentence marked by
// hand, the button naming the container by selector. Tall margins put each
// block a screen apart, so following the reading needs scrolling.
const articlePage = `<!doctype html><html lang="fr"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>Article</title>
<style>.entry-content > *{margin-bottom:120vh}</style></head><body>
<h1>La mairie rénove la place du marché</h1>
<div class="ecouter-listen"><button data-ecouter-article="court" data-ecouter-text-selector=".entry-content">Écouter</button></div>
<div class="entry-content">
<p>Les travaux commenceront <em>lundi</em>. M.&nbsp;Durand, l’adjoint au maire, promet un chantier <a href="/rapide">rapide</a>.</p>
<figure><img src="data:," alt=""><figcaption>Légende à ne pas lire</figcaption></figure>
<h2>Un budget maîtrisé</h2>
<p>Le coût est estimé à 1,2&nbsp;million d'euros. Les commerçants restent ouverts.</p>
</div>
<script src="/player.js" defer></script></body></html>`

// pageState is what the read-along made of the page.
type pageState struct {
	Label   string            `json:"label"`  // the button's visible text
	Icons   int               `json:"icons"`  // inline SVG icons in the player
	Marked  map[string]string `json:"marked"` // cue number -> text of its spans
	Current []int             `json:"current"`
	ScrollY float64           `json:"scrollY"`
	InView  bool              `json:"inView"` // the current sentence is on screen
	Time    float64           `json:"time"`
	State   string            `json:"state"`
}

const pageStateJS = `(() => {
	const b = document.querySelector("button[data-ecouter-article]");
	const a = document.querySelector("audio[data-ecouter-audio]");
	const marked = {};
	document.querySelectorAll("[data-ecouter-text] [data-ecouter-cue]").forEach(e => {
		marked[e.dataset.ecouterCue] = (marked[e.dataset.ecouterCue] || "") + e.textContent;
	});
	const cur = [...document.querySelectorAll(".ecouter-current")];
	const r = cur.length ? cur[0].getBoundingClientRect() : null;
	return {
		label: b.textContent, icons: document.querySelectorAll("button[data-ecouter-article] svg, .ecouter-player svg").length,
		marked, current: [...new Set(cur.map(e => +e.dataset.ecouterCue))], scrollY: scrollY,
		inView: !!r && r.top >= 0 && r.bottom <= innerHeight, time: a ? a.currentTime : 0,
		state: b.dataset.ecouterState || "",
	};
})()`

func pageLook(t *testing.T, ctx context.Context) pageState {
	t.Helper()
	s, err := chromedp.Run(ctx, chromedp.Evaluate[pageState](pageStateJS))
	if err != nil {
		t.Fatalf("read the page: %v", err)
	}
	return s
}

func pageWait(t *testing.T, ctx context.Context, what string, ok func(pageState) bool) pageState {
	t.Helper()
	return poll(t, ctx, pageStateJS, what, ok)
}

// box is a control's size on screen, in CSS pixels.
type box struct {
	Name string  `json:"name"`
	W    float64 `json:"w"`
	H    float64 `json:"h"`
}

// controlSizes measures the listen button and every control of the
// player.
func controlSizes(t *testing.T, ctx context.Context) []box {
	t.Helper()
	b, err := chromedp.Run(ctx, chromedp.Evaluate[[]box](`[...document.querySelectorAll(
		"button[data-ecouter-article], .ecouter-player button, .ecouter-player input, .ecouter-player select")].map(e => {
		const r = e.getBoundingClientRect();
		return {name: e.className || "button", w: r.width, h: r.height};
	})`))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// checkTouchTargets fails for any control under 44 × 44 px.
func checkTouchTargets(t *testing.T, ctx context.Context) []box {
	t.Helper()
	sizes := controlSizes(t, ctx)
	if len(sizes) < 5 {
		t.Errorf("found %d controls, want the button, −15 s, +15 s, progress and speed: %+v", len(sizes), sizes)
	}
	for _, b := range sizes {
		if b.W < 44 || b.H < 44 {
			t.Errorf("%s is %.0f × %.0f px, under 44 × 44", b.Name, b.W, b.H)
		}
	}
	return sizes
}

// letters reduces a sentence to what the read-along compares.
func letters(s string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			return unicode.ToLower(r)
		}
		return -1
	}, s)
}

// checkMarks checks that every sentence the player marked holds that
// cue's text, and returns how many were marked.
func checkMarks(t *testing.T, m manifestJSON, s pageState) int {
	t.Helper()
	for n, text := range s.Marked {
		var i int
		if _, err := fmt.Sscan(n, &i); err != nil || i < 0 || i >= len(m.Cues) {
			t.Errorf("mark for cue %q, the manifest has %d", n, len(m.Cues))
			continue
		}
		if got, want := letters(text), letters(m.Cues[i].Text); got != want {
			t.Errorf("cue %d marks %q, its sentence is %q", i, text, m.Cues[i].Text)
		}
	}
	return len(s.Marked)
}

func TestPlayerOnArticlePage(t *testing.T) {
	inner := service(t, map[string]string{"ECOUTER_ARTICLES": "dir:" + articleDir(t)})
	mux := http.NewServeMux()
	mux.Handle("/", inner.Handler)
	mux.HandleFunc("/article", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprint(w, articlePage)
	})
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	if res, body := get(t, srv.URL+"/v1/articles/court/audio.mp3"); res.StatusCode != 200 {
		t.Fatalf("render court: %d %s", res.StatusCode, body)
	}
	m := manifestOf(t, srv.URL, "court")
	ctx := browser(t)

	act(t, ctx, "open the article page", chromedp.Navigate(srv.URL+"/article"))
	s := pageWait(t, ctx, "the player to be ready", func(s pageState) bool { return s.State == "idle" })
	if want := "Écouter · 1 min"; s.Label != want {
		t.Errorf("button says %q before play, want %q", s.Label, want)
	}
	if s.Icons < 3 {
		t.Errorf("%d SVG icons, want the button's, −15 s and +15 s", s.Icons)
	}
	sizes := checkTouchTargets(t, ctx)
	t.Logf("control sizes (CSS px): %+v", sizes)

	// Every sentence of the text is found; the title (outside the
	// container) and the byline (not on the page) are not, and no other
	// text is marked for them.
	if n := checkMarks(t, m, s); n != len(m.Cues)-2 {
		t.Errorf("%d sentences marked, want %d (all but title and byline): %v", n, len(m.Cues)-2, s.Marked)
	}
	if _, ok := s.Marked["0"]; ok {
		t.Errorf("the title, outside the text, is marked: %q", s.Marked["0"])
	}

	act(t, ctx, "click the button", chromedp.Click(chromedp.CSS("button[data-ecouter-article]")))
	pageWait(t, ctx, "playing", func(s pageState) bool { return s.State == "playing" })
	// The heading is a screen below the first paragraph: the page follows.
	heading := -1
	for i, c := range m.Cues {
		if c.Kind == "heading" {
			heading = i
		}
	}
	s = pageWait(t, ctx, "the heading to be read and shown", func(s pageState) bool {
		return len(s.Current) == 1 && s.Current[0] == heading && s.InView
	})
	if s.ScrollY < 100 {
		t.Errorf("the page did not scroll to the heading: scrollY %.0f", s.ScrollY)
	}
	// Once the smooth scroll has settled, the reader scrolls back up: the
	// page no longer follows.
	testwait.Eventually(t, func() bool {
		y := s.ScrollY
		time.Sleep(150 * time.Millisecond) // settled: no move for this long
		s = pageLook(t, ctx)
		return s.ScrollY == y
	}, "the smooth scroll to settle")
	act(t, ctx, "scroll back to the top",
		chromedp.Evaluate[chromedp.Void](`dispatchEvent(new WheelEvent("wheel", {deltaY: -500})); scrollTo({top: 0, behavior: "instant"})`))
	s = pageWait(t, ctx, "the next sentence", func(s pageState) bool {
		return len(s.Current) == 1 && s.Current[0] > heading
	})
	if s.ScrollY > 10 || s.InView {
		t.Errorf("the page followed the reading after the reader scrolled away: scrollY %.0f", s.ScrollY)
	}

	// −15 s and +15 s, by click and by keyboard.
	act(t, ctx, "pause", chromedp.Click(chromedp.CSS("button[data-ecouter-article]")))
	s = pageWait(t, ctx, "paused", func(s pageState) bool { return s.State == "paused" })
	act(t, ctx, "click −15 s", chromedp.Click(chromedp.CSS("button.ecouter-back")))
	s = pageWait(t, ctx, "the start", func(s pageState) bool { return s.Time < 0.1 })
	act(t, ctx, "press → on the button", chromedp.Focus(chromedp.CSS("button[data-ecouter-article]")), chromedp.KeyEvent(kb.ArrowRight))
	s = pageWait(t, ctx, "15 s later", func(s pageState) bool { return s.Time > 14.9 })
	if want := min(15, m.Duration); s.Time > want+0.1 {
		t.Errorf("after → from 0: %.2f s, want %.2f", s.Time, want)
	}
	act(t, ctx, "click +15 s", chromedp.Click(chromedp.CSS("button.ecouter-forward")))
	pageWait(t, ctx, "the end", func(s pageState) bool { return s.Time >= m.Duration-0.1 })
	act(t, ctx, "press ← on −15 s", chromedp.Focus(chromedp.CSS("button.ecouter-back")), chromedp.KeyEvent(kb.ArrowLeft))
	pageWait(t, ctx, "15 s back", func(s pageState) bool { return s.Time > m.Duration-15.1 && s.Time < m.Duration-14.9 })
}
