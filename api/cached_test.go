package api

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"ecouter/render"
	"ecouter/store"
	"ecouter/synth/synthtest"
)

// countingScheduler counts how often the API asks whether a render runs
// (with NATS, a key-value watch on the cluster for each question).
type countingScheduler struct {
	render.Scheduler
	asked atomic.Int64
}

func (c *countingScheduler) Rendering(id string) bool {
	c.asked.Add(1)
	return c.Scheduler.Rendering(id)
}

// goGet is a GET that a test's goroutines may make (it fails with
// t.Error, not t.Fatal), with rng as its Range header unless empty.
func goGet(t *testing.T, u, rng string) (*http.Response, []byte, bool) {
	rq, err := http.NewRequest("GET", u, nil)
	if err != nil {
		t.Error(err)
		return nil, nil, false
	}
	if rng != "" {
		rq.Header.Set("Range", rng)
	}
	res, err := http.DefaultClient.Do(rq)
	if err != nil {
		t.Error(err)
		return nil, nil, false
	}
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	if err != nil {
		t.Error(err)
		return nil, nil, false
	}
	return res, body, true
}

// cachedServer is the API with ECOUTER_LISTEN_RENDERS_PER_MINUTE=1 over a
// scheduler that counts its questions.
func cachedServer(t *testing.T) (*httptest.Server, *countingScheduler, *synthtest.Fake) {
	t.Helper()
	st, err := store.NewDir(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	sched := &countingScheduler{Scheduler: render.NewLocal(4, log)}
	syn := &synthtest.Fake{}
	svc := render.New(oneArticle{}, syn, st, render.DefaultConfig(), log, nil, render.WithScheduler(sched))
	srv := httptest.NewServer(newFor(svc, Config{APIKey: "k", ListenRendersPerMinute: 1}, log, nil))
	t.Cleanup(func() { srv.Close(); svc.Wait(context.Background()) })
	return srv, sched, syn
}

// TestCachedAudioFastPath: audio checked within the article TTL is served
// without the listen budget or asking the scheduler, with every header of
// the full path, to many listeners at once (even when the client's budget
// is spent); a withdrawal takes it down at once.
func TestCachedAudioFastPath(t *testing.T) {
	srv, sched, syn := cachedServer(t)
	u := srv.URL + "/v1/articles/a1/audio.mp3"
	if res, body := hcall(t, "GET", u); res.StatusCode != 200 || len(body) < 200 {
		t.Fatalf("first listen: %d, %d bytes", res.StatusCode, len(body))
	}
	// The first listen was streamed as it rendered; now the stored file.
	res, full := hcall(t, "GET", u)
	if res.StatusCode != 200 || res.Header.Get("ETag") == "" {
		t.Fatalf("stored audio: %d %v", res.StatusCode, res.Header)
	}
	asked, calls := sched.asked.Load(), syn.Calls()

	var wg sync.WaitGroup
	for range 16 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			res, body, ok := goGet(t, u, "bytes=10-99")
			if !ok {
				return
			}
			h := res.Header
			if res.StatusCode != 206 || !bytes.Equal(body, full[10:100]) || h.Get("Content-Range") == "" ||
				h.Get("ETag") == "" || h.Get("Cache-Control") == "" || h.Get("Accept-Ranges") != "bytes" ||
				h.Get("Cache-Tag") != "ecouter-a1" || h.Get("Surrogate-Key") != "ecouter-a1" ||
				h.Get("X-Content-Type-Options") != "nosniff" || h.Get("Referrer-Policy") != "no-referrer" ||
				h.Get("Content-Type") != "audio/mpeg" {
				t.Errorf("cached range: %d, %d bytes, %v", res.StatusCode, len(body), h)
			}
		}()
	}
	wg.Wait()
	if n := sched.asked.Load() - asked; n != 0 {
		t.Errorf("cached listens asked the scheduler %d times", n)
	}
	if syn.Calls() != calls {
		t.Errorf("cached listens synthesised %d sentences", syn.Calls()-calls)
	}
	// The one render of the budget is spent: a new article is refused,
	// the cached one still served, conditional requests included.
	if res, body := hcall(t, "GET", srv.URL+"/v1/articles/a2/audio.mp3"); res.StatusCode != 429 {
		t.Fatalf("a new article beyond the budget: %d %s", res.StatusCode, body)
	}
	etag := res.Header.Get("ETag")
	if res, _ := hcall(t, "GET", u, "If-None-Match", etag); res.StatusCode != 304 {
		t.Fatalf("If-None-Match on cached audio: %d", res.StatusCode)
	}
	if res, _ := hcall(t, "HEAD", u); res.StatusCode != 200 || res.ContentLength != int64(len(full)) {
		t.Fatalf("HEAD on cached audio: %d, length %d", res.StatusCode, res.ContentLength)
	}
	if res, body := hcall(t, "GET", u, "Range", "bytes=999999-"); res.StatusCode != 416 {
		t.Fatalf("unsatisfiable range on cached audio: %d %s", res.StatusCode, body)
	}

	if res, body := hcall(t, "DELETE", srv.URL+"/v1/articles/a1", "Authorization", "Bearer k"); res.StatusCode != 200 {
		t.Fatalf("withdraw: %d %s", res.StatusCode, body)
	}
	if res, body := hcall(t, "GET", u); res.StatusCode != 410 {
		t.Fatalf("cached audio after its withdrawal: %d %s", res.StatusCode, body)
	}
}

// listenerServer is the API served on Listener, as ecouter serve does, so
// sections go out through jsonErrorsConn's sendfile.
func listenerServer(t *testing.T, src *fakeSource) (*httptest.Server, *render.Service, string) {
	t.Helper()
	root := t.TempDir()
	st, err := store.NewDir(root)
	if err != nil {
		t.Fatal(err)
	}
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	svc := render.New(src, &synthtest.Fake{PerChar: 5 * time.Millisecond}, st, render.DefaultConfig(), log, nil)
	srv := httptest.NewUnstartedServer(newFor(svc, Config{APIKey: "k", PublicURL: publicURL}, log, nil))
	srv.Listener = Listener(srv.Listener)
	srv.Start()
	t.Cleanup(func() { srv.Close(); svc.Wait(context.Background()) })
	return srv, svc, root
}

// TestCachedFilesFollowTheStore: many listeners read ranges of one cached
// descriptor at once, each getting its own bytes (sendfile at each
// request's offset); a re-render serves the new audio at once, and audio
// removed from the store behind the service's back is never served.
func TestCachedFilesFollowTheStore(t *testing.T) {
	src := newFakeSource()
	srv, svc, root := listenerServer(t, src)
	u := srv.URL + "/v1/articles/velo/audio.mp3"
	rerender := func() {
		t.Helper()
		if res, body := hcall(t, "POST", srv.URL+"/v1/articles/velo/render?wait=1", "Authorization", "Bearer k"); res.StatusCode != 200 {
			t.Fatalf("render: %d %s", res.StatusCode, body)
		}
	}
	rerender()
	res, full := hcall(t, "GET", u)
	if res.StatusCode != 200 || res.ContentLength != int64(len(full)) || len(full) < 4000 {
		t.Fatalf("stored audio: %d, %d bytes", res.StatusCode, len(full))
	}
	etag := res.Header.Get("ETag")

	var wg sync.WaitGroup
	for i := range 24 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			first := (i * 997) % (len(full) - 1500)
			last := first + 700 + i*31
			rng := fmt.Sprintf("bytes=%d-%d", first, last)
			if i%4 == 3 {
				rng = ""
			}
			res, body, ok := goGet(t, u, rng)
			if !ok {
				return
			}
			want, code := full[first:last+1], 206
			if i%4 == 3 {
				want, code = full, 200
			}
			if res.StatusCode != code || !bytes.Equal(body, want) {
				t.Errorf("request %d: %d, %d bytes, want %d and %d bytes equal to the file's", i, res.StatusCode, len(body), code, len(want))
			}
		}()
	}
	wg.Wait()

	// Edited and re-rendered: the new audio at once, not the cached file.
	a, _ := src.Article(context.Background(), "velo")
	a.HTML = "<p>Tout autre chose, et bien plus long que la première version de l'article.</p>"
	src.set("velo", a)
	rerender()
	res, full2 := hcall(t, "GET", u)
	m, err := svc.Archive().Manifest(context.Background(), "velo")
	if err != nil {
		t.Fatal(err)
	}
	if res.StatusCode != 200 || res.Header.Get("ETag") == etag || bytes.Equal(full2, full) || int64(len(full2)) != m.Size {
		t.Fatalf("after a re-render: %d, ETag %s (was %s), %d bytes (manifest %d)", res.StatusCode, res.Header.Get("ETag"), etag, len(full2), m.Size)
	}

	// Removed by another process (a gc, a withdrawal elsewhere) while this
	// one still trusts its manifest: not served from the open descriptor.
	if err := os.Remove(filepath.Join(root, filepath.FromSlash(m.Audio))); err != nil {
		t.Fatal(err)
	}
	if res, body := hcall(t, "GET", u, "Range", "bytes=0-99"); res.StatusCode < 400 {
		t.Fatalf("removed audio: %d, %d bytes", res.StatusCode, len(body))
	}
}
