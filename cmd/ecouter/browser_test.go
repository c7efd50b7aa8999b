package main

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"net/http"
	"net/http/httptest"
	"os"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"ecouter/internal/testwait"
)

// These tests drive Debian's chromium, headless, against the real service:
// the player, its read-along and its errors as a listener meets them. They
// fail (never skip) when chromium is missing: `make test` installs it.

const chromium = "/usr/bin/chromium"

// browser starts chromium with the flags known to work in CI containers
// (and no others: chromedp's defaults are left out on purpose), for at
// most the tests' generous deadline.
func browser(t *testing.T) context.Context {
	t.Helper()
	if _, err := os.Stat(chromium); err != nil {
		t.Fatalf("chromium is needed for the player tests (apt-get install chromium): %v", err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), testwait.Scale(testwait.Timeout))
	actx, acancel := chromedp.NewExecAllocator(ctx,
		chromedp.ExecPath(chromium),
		chromedp.Flag("headless", true),
		chromedp.Flag("no-sandbox", true),
		chromedp.Flag("disable-gpu", true),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("no-first-run", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.Flag("autoplay-policy", "no-user-gesture-required"),
	)
	bctx, bcancel := chromedp.NewContext(actx)
	t.Cleanup(func() {
		bcancel()
		acancel()
		cancel()
	})
	if err := chromedp.Do(bctx, chromedp.Navigate("about:blank")); err != nil {
		t.Fatalf("start chromium: %v", err)
	}
	return bctx
}

// audioLog is a front for the service that records the Range header of
// every audio request and slows audio down to 1.25 times real time (for a
// 192 kbps MP3), like a phone on a modest network: the browser has not
// buffered the whole file when the test seeks, so the seek asks for a range.
type audioLog struct {
	mu     sync.Mutex
	ranges []string // "" for a request without Range
}

func (l *audioLog) wrap(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !strings.HasSuffix(r.URL.Path, "/audio.mp3") {
			h.ServeHTTP(w, r)
			return
		}
		l.mu.Lock()
		l.ranges = append(l.ranges, r.Header.Get("Range"))
		l.mu.Unlock()
		h.ServeHTTP(slowWriter{w}, r)
	})
}

func (l *audioLog) seen() []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]string(nil), l.ranges...)
}

// slowWriter writes at about 30 kB/s, flushing as it goes.
type slowWriter struct{ http.ResponseWriter }

func (w slowWriter) Write(p []byte) (int, error) {
	const chunk, rate = 4096, 30000
	n := 0
	for len(p) > 0 {
		k, err := w.ResponseWriter.Write(p[:min(chunk, len(p))])
		n += k
		if err != nil {
			return n, err
		}
		w.Flush()
		time.Sleep(time.Duration(k) * time.Second / rate)
		p = p[k:]
	}
	return n, nil
}

func (w slowWriter) Flush() {
	if f, ok := w.ResponseWriter.(http.Flusher); ok {
		f.Flush()
	}
}

func (w slowWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// snapshot is what the page's first player shows.
type snapshot struct {
	State    string  `json:"state"`
	Message  string  `json:"message"`
	Label    string  `json:"label"`
	Hidden   bool    `json:"hidden"`
	Time     float64 `json:"time"`
	Duration float64 `json:"duration"` // -1: not known (NaN or Infinity)
	Rate     float64 `json:"rate"`
	Current  []int   `json:"current"` // cue numbers marked ecouter-current
	Aria     []int   `json:"aria"`    // cue numbers marked aria-current
	Error    int     `json:"error"`   // MediaError code, 0 for none
}

const snapshotJS = `(() => {
	const b = document.querySelector("button[data-ecouter-article]");
	const a = document.querySelector("audio[data-ecouter-audio]");
	const cues = sel => [...document.querySelectorAll(sel)].map(e => +e.dataset.ecouterCue);
	return {
		state: b.dataset.ecouterState || "", label: b.getAttribute("aria-label") || "",
		message: (document.querySelector(".ecouter-message") || {}).textContent || "",
		hidden: !!(document.querySelector(".ecouter-player") || {hidden: true}).hidden,
		time: a ? a.currentTime : 0, duration: a && isFinite(a.duration) ? a.duration : -1,
		rate: a ? a.playbackRate : 0, error: a && a.error ? a.error.code : 0,
		current: cues(".ecouter-current"), aria: cues("[aria-current=true]"),
	};
})()`

func look(t *testing.T, ctx context.Context) snapshot {
	t.Helper()
	s, err := chromedp.Run(ctx, chromedp.Evaluate[snapshot](snapshotJS))
	if err != nil {
		t.Fatalf("read the player: %v", err)
	}
	return s
}

// waitFor polls the page until ok accepts what the player shows.
func waitFor(t *testing.T, ctx context.Context, what string, ok func(snapshot) bool) snapshot {
	t.Helper()
	return poll(t, ctx, snapshotJS, what, ok)
}

// poll evaluates js in the page until ok accepts its value. A page being
// replaced (a form sent) cannot answer for a moment: it is asked again.
func poll[T any](t *testing.T, ctx context.Context, js string, what string, ok func(T) bool) T {
	t.Helper()
	var v T
	var err error
	held := func() bool {
		v, err = chromedp.Run(ctx, chromedp.Evaluate[T](js))
		return err == nil && ok(v)
	}
	// The browser's context ends the wait too: nothing can change after.
	if !testwait.Until(testwait.Scale(testwait.Timeout), func() bool { return held() || ctx.Err() != nil }) || err != nil || !ok(v) {
		t.Fatalf("waited for %s; the page shows %+v (%v)", what, v, err)
	}
	return v
}

func act(t *testing.T, ctx context.Context, what string, steps ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	if err := chromedp.Do(ctx, steps...); err != nil {
		t.Fatalf("%s: %v", what, err)
	}
}

// reading is the cue the player should mark at time at: the last one
// started (it stays marked through the pause after it).
func reading(m manifestJSON, at float64) int {
	n := -1
	for i, c := range m.Cues {
		if c.Start <= at {
			n = i
		}
	}
	return n
}

// followsAudio checks that exactly one sentence is marked, and that it is
// the one read at the time of the snapshot, or a moment before (the player
// updates on timeupdate, about every 250 ms).
func followsAudio(m manifestJSON, s snapshot) bool {
	if len(s.Current) != 1 || len(s.Aria) != 1 || s.Aria[0] != s.Current[0] {
		return false
	}
	return s.Current[0] == reading(m, s.Time) || s.Current[0] == reading(m, s.Time-0.3)
}

func manifestOf(t *testing.T, base, id string) manifestJSON {
	t.Helper()
	res, body := get(t, base+"/v1/articles/"+id)
	var m manifestJSON
	if res.StatusCode != 200 || json.Unmarshal(body, &m) != nil {
		t.Fatalf("manifest %s: %d %s", id, res.StatusCode, body)
	}
	return m
}

var rangeStart = regexp.MustCompile(`^bytes=(\d+)-`)

func TestPlayerInBrowser(t *testing.T) {
	start := time.Now()
	// Chrome keeps reading its first connection for seeks up to about
	// 160 kB ahead; at 192 kbps the 17-second article is 420 kB, so a seek
	// near its end needs a Range request, as one in a long article does.
	dir := articleDir(t)
	writeArticle(t, dir, "refus", "Un article pour Safari", "<p>Une première phrase. Puis une seconde phrase, un peu plus longue, pour durer.</p>")
	inner := service(t, map[string]string{"ECOUTER_ARTICLES": "dir:" + dir, "ECOUTER_MP3_BITRATE": "192"})
	log := &audioLog{}
	srv := httptest.NewServer(log.wrap(inner.Handler))
	t.Cleanup(srv.Close)
	ctx := browser(t)

	t.Run("cached", func(t *testing.T) {
		// Rendered and stored beforehand, straight from the service.
		if res, body := get(t, inner.URL+"/v1/articles/court/audio.mp3"); res.StatusCode != 200 {
			t.Fatalf("render court: %d %s", res.StatusCode, body)
		}
		m := manifestOf(t, inner.URL, "court")
		if m.Status != "ready" {
			t.Fatalf("court is %s after its render", m.Status)
		}
		act(t, ctx, "open the demo page", chromedp.Navigate(srv.URL+"/demo/court"))
		s := waitFor(t, ctx, "the player to be ready", func(s snapshot) bool { return s.State == "idle" })
		if s.Hidden || s.Label != "Écouter l'article" || s.Time != 0 {
			t.Fatalf("ready player: %+v", s)
		}
		before := len(log.seen())

		act(t, ctx, "click the button", chromedp.Click(chromedp.CSS("button[data-ecouter-article]")))
		s = waitFor(t, ctx, "playing", func(s snapshot) bool { return s.State == "playing" })
		if s.Label != "Mettre en pause" {
			t.Errorf("playing button labelled %q", s.Label)
		}
		t0 := s.Time
		s = waitFor(t, ctx, "currentTime to advance", func(s snapshot) bool { return s.Time > t0+0.5 })
		if d := s.Duration - m.Duration; d < -0.2 || d > 0.2 || s.Duration < 0 {
			t.Errorf("audio.duration %.3f s, manifest %.3f s", s.Duration, m.Duration)
		}

		// Read-along, first as the audio plays on: past the title, the
		// mark moves to the byline.
		s = waitFor(t, ctx, "the byline to be marked", func(s snapshot) bool {
			return len(s.Current) == 1 && s.Current[0] >= 1
		})
		if !followsAudio(m, s) {
			t.Errorf("at %.2f s cue %v is marked, cue %d is read", s.Time, s.Current, reading(m, s.Time))
		}
		first := s.Current[0]

		// A click on the progress bar near the end, far past what the
		// browser has downloaded: a Range request from there, and the audio
		// plays to its end.
		bar, err := chromedp.Run(ctx, chromedp.Evaluate[struct{ X, Y, W float64 }](
			`(() => { const r = document.querySelector("input.ecouter-progress").getBoundingClientRect(); return {x: r.left, y: r.top + r.height / 2, w: r.width}; })()`))
		if err != nil {
			t.Fatal(err)
		}
		frac := (m.Duration - 2.5) / m.Duration
		act(t, ctx, "click the progress bar", chromedp.MouseClickXY(bar.X+frac*bar.W, bar.Y))
		s = waitFor(t, ctx, "the seek", func(s snapshot) bool { return s.Time > m.Duration-4 })
		if s.State != "playing" && s.State != "loading" {
			t.Errorf("state %s after the seek", s.State)
		}
		s = waitFor(t, ctx, "ended", func(s snapshot) bool { return s.State == "ended" })
		if len(s.Current) != 0 {
			t.Errorf("sentence %v still marked at the end", s.Current)
		}
		var fromEnd bool
		requests := log.seen()[before:]
		for _, r := range requests {
			if g := rangeStart.FindStringSubmatch(r); g != nil {
				off, _ := strconv.ParseInt(g[1], 10, 64)
				fromEnd = fromEnd || off > m.Size/2
			}
		}
		if !fromEnd {
			t.Errorf("no Range request past the middle of %d bytes after the seek; audio requests: %q", m.Size, requests)
		}
		t.Logf("audio requests of the cached article: %q (%d bytes)", requests, m.Size)

		// Then a click on a sentence: the audio goes there, the mark
		// follows.
		k := len(m.Cues) - 2
		act(t, ctx, "click a sentence", chromedp.Click(chromedp.CSS(fmt.Sprintf(`[data-ecouter-cue="%d"]`, k))))
		s = waitFor(t, ctx, fmt.Sprintf("sentence %d to be marked", k), func(s snapshot) bool {
			return len(s.Current) == 1 && s.Current[0] == k && s.State == "playing"
		})
		if k == first || !followsAudio(m, s) || s.Time < m.Cues[k].Start || s.Time > m.Cues[k].End {
			t.Errorf("after a click on sentence %d (%.2f–%.2f s): time %.2f s, marked %v",
				k, m.Cues[k].Start, m.Cues[k].End, s.Time, s.Current)
		}

		// Keyboard: Space on the focused button pauses and resumes.
		act(t, ctx, "press Space", chromedp.Focus(chromedp.CSS("button[data-ecouter-article]")), chromedp.KeyEvent(" "))
		waitFor(t, ctx, "paused", func(s snapshot) bool { return s.State == "paused" })
		act(t, ctx, "press Space", chromedp.KeyEvent(" "))
		waitFor(t, ctx, "playing again", func(s snapshot) bool { return s.State == "playing" })

		// Speed.
		act(t, ctx, "choose 1.5×", chromedp.SetValue(chromedp.CSS("select.ecouter-speed"), "1.5"),
			chromedp.Evaluate[chromedp.Void](`document.querySelector("select.ecouter-speed").dispatchEvent(new Event("change"))`))
		if s := look(t, ctx); s.Rate != 1.5 {
			t.Errorf("playback rate %v after choosing 1,5×", s.Rate)
		}
	})

	t.Run("uncached", func(t *testing.T) {
		if m := manifestOf(t, srv.URL, "autre"); m.Status != "not_rendered" {
			t.Fatalf("autre is %s, want not_rendered", m.Status)
		}
		act(t, ctx, "open the demo page", chromedp.Navigate(srv.URL+"/demo/autre"))
		waitFor(t, ctx, "the player to be ready", func(s snapshot) bool { return s.State == "idle" && !s.Hidden })
		act(t, ctx, "click the button", chromedp.Click(chromedp.CSS("button[data-ecouter-article]")))
		s := waitFor(t, ctx, "playing", func(s snapshot) bool { return s.State == "playing" })
		t0 := s.Time
		waitFor(t, ctx, "currentTime to advance", func(s snapshot) bool { return s.Time > t0+0.5 })
		// The page was built before any render; once the render is stored
		// the player fetches the sentence times and marks the sentence read.
		var m manifestJSON
		waitFor(t, ctx, "the manifest to be ready", func(snapshot) bool {
			m = manifestOf(t, srv.URL, "autre")
			return m.Status == "ready"
		})
		s = waitFor(t, ctx, "a sentence to be marked", func(s snapshot) bool { return len(s.Current) > 0 })
		if !followsAudio(m, s) {
			t.Errorf("at %.2f s cue %v is marked, cue %d is read", s.Time, s.Current, reading(m, s.Time))
		}
		first := s.Current[0]
		s = waitFor(t, ctx, "the next sentence to be marked", func(s snapshot) bool {
			return len(s.Current) == 1 && s.Current[0] > first
		})
		if !followsAudio(m, s) {
			t.Errorf("at %.2f s cue %v is marked, cue %d is read", s.Time, s.Current, reading(m, s.Time))
		}
	})

	// Safari wants ranges for media and may refuse a first render's live
	// stream: the player then waits for the stored file and plays it.
	t.Run("stream refused", func(t *testing.T) {
		act(t, ctx, "open the demo page", chromedp.Navigate(srv.URL+"/demo/refus"))
		waitFor(t, ctx, "the player to be ready", func(s snapshot) bool { return s.State == "idle" && !s.Hidden })
		act(t, ctx, "click the button", chromedp.Click(chromedp.CSS("button[data-ecouter-article]")))
		act(t, ctx, "refuse the stream as Safari would",
			chromedp.Evaluate[chromedp.Void](`document.querySelector("audio[data-ecouter-audio]").dispatchEvent(new Event("error"))`))
		if s := look(t, ctx); s.State == "error" {
			t.Fatalf("the player gave up on a refused stream: %+v", s)
		}
		s := waitFor(t, ctx, "the stored file to play", func(s snapshot) bool {
			return s.State == "playing" && s.Duration > 0 && s.Time > 0.3
		})
		if m := manifestOf(t, srv.URL, "refus"); m.Status != "ready" || math.Abs(s.Duration-m.Duration) > 0.2 {
			t.Fatalf("after the refused stream: %+v, manifest %s %.2fs", s, m.Status, m.Duration)
		}
	})

	t.Run("unknown", func(t *testing.T) {
		act(t, ctx, "open the demo page", chromedp.Navigate(srv.URL+"/demo/inconnu"))
		s := waitFor(t, ctx, "error", func(s snapshot) bool { return s.State == "error" })
		if s.Message != "Article introuvable" || !s.Hidden {
			t.Errorf("unknown article: message %q, controls hidden %v", s.Message, s.Hidden)
		}
	})

	// A figure, not a check: a busy machine's time says nothing of the player.
	t.Logf("figure: browser tests took %v (60 s budget on an idle machine)", time.Since(start).Round(time.Second))
}

// TestPlayerSoon: on a site that renders on publish only
// (ECOUTER_RENDER_ON_LISTEN=false), an article not rendered yet shows
// "Bientôt disponible" instead of a button that would fail; the demo page
// runs under its Content-Security-Policy.
func TestPlayerSoon(t *testing.T) {
	srv := service(t, map[string]string{"ECOUTER_ARTICLES": "dir:" + articleDir(t), "ECOUTER_RENDER_ON_LISTEN": "false"})
	ctx := browser(t)
	act(t, ctx, "open the demo page", chromedp.Navigate(srv.URL+"/demo/court"))
	s := waitFor(t, ctx, "the player to say it is coming", func(s snapshot) bool { return s.State == "error" })
	if s.Message != "Bientôt disponible" || !s.Hidden {
		t.Fatalf("not rendered, renders on publish only: message %q, controls hidden %v", s.Message, s.Hidden)
	}
}
