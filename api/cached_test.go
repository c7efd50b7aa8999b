package api

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"

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
	srv := httptest.NewServer(New(svc, Config{APIKey: "k", ListenRendersPerMinute: 1}, log, nil))
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
			rq, _ := http.NewRequest("GET", u, nil)
			rq.Header.Set("Range", "bytes=10-99")
			res, err := http.DefaultClient.Do(rq)
			if err != nil {
				t.Error(err)
				return
			}
			defer res.Body.Close()
			body, _ := io.ReadAll(res.Body)
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
