package api

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"ecouter/article"
	"ecouter/render"
	"ecouter/store"
	"ecouter/synth/synthtest"
)

// noCategory lists recent articles of known categories only.
type noCategory struct{ *fakeSource }

func (n noCategory) Recent(ctx context.Context, k int, category string) ([]string, error) {
	if category != "" {
		return nil, fmt.Errorf("category %q: %w", category, article.ErrNoCategory)
	}
	return n.fakeSource.Recent(ctx, k, category)
}

// cannotList is a source whose listing is not supported.
type cannotList struct{ *fakeSource }

func (cannotList) Recent(context.Context, int, string) ([]string, error) {
	return nil, errors.ErrUnsupported
}

// refusalServer is the API over a fake source; key is ECOUTER_API_KEY.
func refusalServer(t *testing.T, key string, lister article.Lister, log *slog.Logger, ready, live []Check) (*httptest.Server, *render.Service) {
	t.Helper()
	st, err := store.NewDir(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	src := newFakeSource()
	svc := render.New(src, &synthtest.Fake{}, st, render.DefaultConfig(), log, nil)
	cfg := Config{APIKey: key, Feed: FeedConfig{Lister: lister}, Ready: ready, Live: live}
	srv := httptest.NewServer(newFor(svc, cfg, log, nil))
	t.Cleanup(func() { srv.Close(); svc.Wait(context.Background()) })
	return srv, svc
}

// TestRefusalsKeepTheirAnswers: every refusal a handler used to answer
// with a status of its own, now an error the one map (errors.go) turns
// into a status, keeps the status, the JSON body (every field) and the
// headers it had.
func TestRefusalsKeepTheirAnswers(t *testing.T) {
	var logs bytes.Buffer
	log := slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelError}))
	failing := []Check{{Name: "store", Check: func(context.Context) error { return errors.New("disk gone") }}}
	srv, svc := refusalServer(t, "k", noCategory{newFakeSource()}, log, failing, failing)
	keyless, _ := refusalServer(t, "", nil, log, nil, nil)
	unlisted, _ := refusalServer(t, "k", cannotList{newFakeSource()}, log, nil, nil)
	noLister, _ := refusalServer(t, "k", nil, log, nil, nil)
	if err := svc.Archive().Withdraw(context.Background(), "velo", "test"); err != nil {
		t.Fatal(err)
	}
	auth := []string{"Authorization", "Bearer k"}
	var many []string
	for i := range maxZipArticles + 1 {
		many = append(many, fmt.Sprintf("a%d", i))
	}
	manyIDs := strings.Join(many, ",")
	cases := []struct {
		name, method, url, body string
		hdr                     []string
		status                  int
		want                    map[string]any
		retryAfter, wwwAuth     string
	}{
		{name: "no API key set", method: "POST", url: keyless.URL + "/v1/render", body: `{"ids":["a"]}`, hdr: auth, status: 403,
			want: map[string]any{"code": "forbidden", "error": "this endpoint is disabled: set ECOUTER_API_KEY to enable it"}},
		{name: "wrong API key", method: "POST", url: srv.URL + "/v1/render", body: `{"ids":["a"]}`, hdr: []string{"Authorization", "Bearer x"}, status: 401,
			want:    map[string]any{"code": "unauthorized", "error": "missing or wrong API key: send Authorization: Bearer <ECOUTER_API_KEY>"},
			wwwAuth: `Bearer realm="ecouter"`},
		{name: "zip without ids", method: "GET", url: srv.URL + "/v1/downloads", status: 400,
			want: map[string]any{"code": "bad_request", "error": "give the articles as ?ids=a,b,c"}},
		{name: "zip of too many", method: "GET", url: srv.URL + "/v1/downloads?ids=" + manyIDs, status: 400,
			want: map[string]any{"code": "bad_request", "error": "too many ids: at most 50"}},
		{name: "zip of nothing rendered", method: "GET", url: srv.URL + "/v1/downloads?ids=tram,meteo", status: 404,
			want: map[string]any{"code": "not_found", "error": "none of these articles is rendered yet"}},
		{name: "batch not JSON", method: "POST", url: srv.URL + "/v1/render", body: `{"ids":`, hdr: auth, status: 400,
			want: map[string]any{"code": "bad_request", "error": `want a JSON body {"ids": ["a", "b"]} or {"recent": 10}`}},
		{name: "batch of both", method: "POST", url: srv.URL + "/v1/render", body: `{"ids":["a"],"recent":2}`, hdr: auth, status: 400,
			want: map[string]any{"code": "bad_request", "error": `give "ids" or "recent", not both`}},
		{name: "batch too large", method: "POST", url: srv.URL + "/v1/render", body: `{"recent":101}`, hdr: auth, status: 400,
			want: map[string]any{"code": "bad_request", "error": "at most 100 articles per batch"}},
		{name: "batch of nothing", method: "POST", url: srv.URL + "/v1/render", body: `{}`, hdr: auth, status: 400,
			want: map[string]any{"code": "bad_request", "error": `want {"ids": ["a", "b"]} or {"recent": 10}`}},
		{name: "recent without a lister", method: "POST", url: noLister.URL + "/v1/render", body: `{"recent":2}`, hdr: auth, status: 400,
			want: map[string]any{"code": "bad_request", "error": "this article source cannot list recent articles: give ids"}},
		{name: "recent unsupported", method: "POST", url: unlisted.URL + "/v1/render", body: `{"recent":2}`, hdr: auth, status: 400,
			want: map[string]any{"code": "bad_request", "error": "this article source cannot list recent articles: give ids"}},
		{name: "recent of no category", method: "POST", url: srv.URL + "/v1/render", body: `{"recent":2,"category":"sport"}`, hdr: auth, status: 404,
			want: map[string]any{"code": "not_found", "error": "no such category"}},
		{name: "manifest of a withdrawn article", method: "GET", url: srv.URL + "/v1/articles/velo", status: 410,
			want: map[string]any{"id": "velo", "status": "withdrawn", "code": "withdrawn", "error": "the article was withdrawn"}},
		{name: "not ready", method: "GET", url: srv.URL + "/readyz", status: 503, retryAfter: "30",
			want: map[string]any{"status": "unavailable", "failing": []any{"store"}, "error": "not ready: store unavailable", "code": "not_ready"}},
		{name: "unhealthy", method: "GET", url: srv.URL + "/healthz", status: 503,
			want: map[string]any{"status": "unhealthy", "error": "store lost: restart the process", "code": "unhealthy"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			res, body := req(t, c.method, c.url, c.body, c.hdr...)
			var got map[string]any
			if err := json.Unmarshal(body, &got); err != nil || res.StatusCode != c.status ||
				!strings.HasPrefix(res.Header.Get("Content-Type"), "application/json") {
				t.Fatalf("%d %s %q, want %d JSON", res.StatusCode, res.Header.Get("Content-Type"), body, c.status)
			}
			if fmt.Sprint(got) != fmt.Sprint(c.want) {
				t.Errorf("body %v, want %v", got, c.want)
			}
			if ra := res.Header.Get("Retry-After"); ra != c.retryAfter {
				t.Errorf("Retry-After %q, want %q", ra, c.retryAfter)
			}
			if wa := res.Header.Get("WWW-Authenticate"); wa != c.wwwAuth {
				t.Errorf("WWW-Authenticate %q, want %q", wa, c.wwwAuth)
			}
		})
	}
	// Probes failing are the process's state, logged by the checks
	// (warnings), not failed requests: no error line per probe.
	if strings.Contains(logs.String(), "request failed") {
		t.Errorf("a refusal was logged as a failed request:\n%s", logs.String())
	}
}

// TestRefusalProblems: the listeners' refusals keep their status, code,
// message and the client's own Retry-After.
func TestRefusalProblems(t *testing.T) {
	cases := []struct {
		err  error
		want problem
	}{
		{overBudget("a", 7*time.Second, false), problem{429, "rate_limited",
			"too many articles read for the first time from this address: try again later", 7 * time.Second}},
		{overBudget("a", 3*time.Second, true), problem{429, "rate_limited",
			"too many articles are read for the first time right now: try again later", 3 * time.Second}},
		{&retryIn{err: fmt.Errorf("a: %w", errBackingOff), wait: time.Minute}, problem{503, "render_failed",
			"this article could not be read a moment ago: try again later", time.Minute}},
		{invalid("give ids"), problem{400, "bad_request", "give ids", 0}},
		{fmt.Errorf("x: %w", errNoKey), problem{403, "forbidden", "this endpoint is disabled: set ECOUTER_API_KEY to enable it", 0}},
		// GET /v1/jobs and POST /v1/jobs/retry on a service without a queue.
		{errNoneRendered, problem{404, "not_found", "none of these articles is rendered yet", 0}},
	}
	for _, c := range cases {
		if got := problemOf(c.err); got != c.want {
			t.Errorf("problemOf(%v) = %+v, want %+v", c.err, got, c.want)
		}
	}
}
