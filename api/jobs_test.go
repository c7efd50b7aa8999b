package api

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"ecouter/article"
	"ecouter/jobs"
	"ecouter/render"
	"ecouter/store"
	"ecouter/synth/synthtest"
)

// fakeQueue records what is queued; down makes it unreachable.
type fakeQueue struct {
	mu      sync.Mutex
	queued  []jobs.Job
	retried []string
	down    bool
}

func (q *fakeQueue) Enqueue(_ context.Context, js ...jobs.Job) error {
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.down {
		return jobs.ErrUnavailable
	}
	q.queued = append(q.queued, js...)
	return nil
}

func (q *fakeQueue) Stats(context.Context) (jobs.Stats, error) {
	if q.down {
		return jobs.Stats{}, jobs.ErrUnavailable
	}
	return jobs.Stats{Queued: len(q.queued), Failed: 1, Failures: []jobs.Failure{{ID: "x", Error: "boom", Attempts: 5}}}, nil
}

func (q *fakeQueue) Retry(_ context.Context, ids ...string) (int, error) {
	q.retried = append(q.retried, ids...)
	return len(ids), nil
}

func queueServer(t *testing.T, src article.Source, q *fakeQueue) *httptest.Server {
	t.Helper()
	st, err := store.NewDir(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	svc := render.New(src, &synthtest.Fake{}, st, render.DefaultConfig(), log, nil)
	srv := httptest.NewServer(newFor(svc, Config{APIKey: "k", Jobs: q}, log, nil))
	t.Cleanup(srv.Close)
	return srv
}

func jobCall(t *testing.T, method, url, body string, key bool) (int, string, http.Header) {
	t.Helper()
	req, _ := http.NewRequest(method, url, strings.NewReader(body))
	if key {
		req.Header.Set("Authorization", "Bearer k")
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, string(b), res.Header
}

func TestJobsEndpoints(t *testing.T) {
	q := &fakeQueue{}
	srv := queueServer(t, oneArticle{}, q)
	if code, _, _ := jobCall(t, "GET", srv.URL+"/v1/jobs", "", false); code != http.StatusUnauthorized {
		t.Fatalf("GET /v1/jobs without the key: %d", code)
	}
	code, body, _ := jobCall(t, "GET", srv.URL+"/v1/jobs", "", true)
	var st jobs.Stats
	if code != 200 || json.Unmarshal([]byte(body), &st) != nil || st.Failed != 1 || st.Failures[0].Error != "boom" {
		t.Fatalf("GET /v1/jobs: %d %s", code, body)
	}
	if code, body, _ := jobCall(t, "POST", srv.URL+"/v1/jobs/retry", `{"ids": ["a", "b"]}`, true); code != 200 || !strings.Contains(body, `"retried":2`) {
		t.Fatalf("retry: %d %s", code, body)
	}
	if code, _, _ := jobCall(t, "POST", srv.URL+"/v1/jobs/retry", `{"ids": ["../x"]}`, true); code != http.StatusBadRequest {
		t.Fatalf("retry of an invalid ID: %d", code)
	}
	if code, _, _ := jobCall(t, "POST", srv.URL+"/v1/jobs/retry", `{"ids": 3}`, true); code != http.StatusBadRequest {
		t.Fatalf("retry with a bad body: %d", code)
	}
	if code, body, _ := jobCall(t, "POST", srv.URL+"/v1/jobs/retry", "", true); code != 200 || !strings.Contains(body, `"retried":0`) {
		t.Fatalf("retry of every failed job: %d %s", code, body)
	}
}

// A CMS hook without wait is queued with the article's content key; a
// source that is down still queues it (retried), an unknown article does
// not; an unreachable queue is a 503 with Retry-After.
func TestHooksAreQueued(t *testing.T) {
	q := &fakeQueue{}
	srv := queueServer(t, oneArticle{}, q)
	if code, body, _ := jobCall(t, "POST", srv.URL+"/v1/articles/a1/render", "", true); code != http.StatusAccepted {
		t.Fatalf("hook: %d %s", code, body)
	}
	if code, body, _ := jobCall(t, "POST", srv.URL+"/v1/render", `{"ids": ["a2", "a3"]}`, true); code != http.StatusAccepted {
		t.Fatalf("batch: %d %s", code, body)
	}
	if len(q.queued) != 3 || q.queued[0].ID != "a1" || len(q.queued[0].Key) != 32 {
		t.Fatalf("queued %+v", q.queued)
	}
	down := &fakeQueue{}
	srv = queueServer(t, oneArticle{err: article.ErrUnavailable}, down)
	if code, _, _ := jobCall(t, "POST", srv.URL+"/v1/articles/a1/render", "", true); code != http.StatusAccepted || len(down.queued) != 1 || down.queued[0].Key != "" {
		t.Fatalf("hook while the source is down: %d, %+v", code, down.queued)
	}
	missing := &fakeQueue{}
	srv = queueServer(t, oneArticle{err: article.ErrNotFound}, missing)
	if code, _, _ := jobCall(t, "POST", srv.URL+"/v1/articles/a1/render", "", true); code != http.StatusNotFound || len(missing.queued) != 0 {
		t.Fatalf("hook for an unknown article: %d, %+v", code, missing.queued)
	}
	unreachable := &fakeQueue{down: true}
	srv = queueServer(t, oneArticle{}, unreachable)
	code, body, h := jobCall(t, "POST", srv.URL+"/v1/articles/a1/render", "", true)
	if code != http.StatusServiceUnavailable || h.Get("Retry-After") == "" || strings.Contains(body, "render queue unavailable") {
		t.Fatalf("hook with NATS unreachable: %d %s %v", code, body, h)
	}
	if code, _, _ := jobCall(t, "GET", srv.URL+"/v1/jobs", "", true); code != http.StatusServiceUnavailable {
		t.Fatalf("GET /v1/jobs with NATS unreachable: %d", code)
	}
}

func TestReadyzNATS(t *testing.T) {
	st, _ := store.NewDir(t.TempDir())
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	svc := render.New(oneArticle{}, &synthtest.Fake{}, st, render.DefaultConfig(), log, nil)
	for _, tt := range []struct {
		natsErr error
		code    int
	}{{nil, 200}, {errors.New("nats: connection closed"), 503}} {
		check := []Check{{Name: "nats", Check: func(context.Context) error { return tt.natsErr }}}
		srv := httptest.NewServer(newFor(svc, Config{Ready: check}, log, nil))
		code, body, _ := jobCall(t, "GET", srv.URL+"/readyz", "", false)
		srv.Close()
		if code != tt.code || strings.Contains(body, "connection closed") || tt.code == 503 && !strings.Contains(body, `"nats"`) {
			t.Errorf("readyz with NATS error %v: %d %s, want %d naming nats and no internal error text", tt.natsErr, code, body, tt.code)
		}
	}
}
