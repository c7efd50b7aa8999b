package api

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"ecouter/article"
	"ecouter/render"
	"ecouter/store"
	"ecouter/synth"
	"ecouter/synth/synthtest"

	"github.com/prometheus/client_golang/prometheus"
)

type oneArticle struct{ err error }

func (o oneArticle) Article(_ context.Context, id string) (*article.Article, error) {
	if o.err != nil {
		return nil, o.err
	}
	return &article.Article{ID: id, Title: "Titre", HTML: "<p>Une phrase.</p>"}, nil
}

// newFor is New with svc's Archive and Narrator as cfg's Stored and
// Narration, as the wiring gives them.
func newFor(svc *render.Service, cfg Config, log *slog.Logger, gatherer prometheus.Gatherer) http.Handler {
	cfg.Stored, cfg.Narration = svc.Archive(), svc.Narrator()
	return New(svc, cfg, log, gatherer)
}

func server(t *testing.T, src article.Source, syn synth.Synthesizer) *httptest.Server {
	t.Helper()
	st, err := store.NewDir(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	svc := render.New(src, syn, st, render.DefaultConfig(), log, nil)
	srv := httptest.NewServer(newFor(svc, Config{APIKey: "k"}, log, nil))
	t.Cleanup(srv.Close)
	return srv
}

func TestEngineFailureIs503WithoutDetails(t *testing.T) {
	syn := &synthtest.Fake{Fail: func(string) error {
		return &synth.EngineError{Backend: "fake", Stderr: "segfault at 0xdeadbeef", Err: synth.ErrEngine}
	}}
	srv := server(t, oneArticle{}, syn)
	res, err := http.Get(srv.URL + "/v1/articles/a/audio.mp3")
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	body, _ := io.ReadAll(res.Body)
	var e struct{ Error string }
	if res.StatusCode != 503 || json.Unmarshal(body, &e) != nil || e.Error == "" {
		t.Fatalf("engine failure: %d %s", res.StatusCode, body)
	}
	if strings.Contains(string(body), "deadbeef") || res.Header.Get("Retry-After") == "" {
		t.Fatalf("engine stderr in the body or no Retry-After: %s %v", body, res.Header)
	}
}

func TestStatusMapping(t *testing.T) {
	cases := []struct {
		err  error
		want int
	}{
		{fmt.Errorf("x: %w", article.ErrInvalidID), 400},
		{fmt.Errorf("x: %w", article.ErrNotFound), 404},
		{fmt.Errorf("x: %w", render.ErrNotRendered), 404},
		{fmt.Errorf("x: %w", article.ErrUnavailable), 502},
		{fmt.Errorf("x: %w: %w", article.ErrUnavailable, article.ErrTimeout), 504},
		{&render.TooLongError{Chars: 200_000, Max: 100_000}, 422},
		{fmt.Errorf("x: %w", render.ErrEmpty), 422},
		{&render.SentenceError{Index: 3, Err: &synth.EngineError{Err: synth.ErrEngine}}, 503},
		{fmt.Errorf("x: %w", synth.ErrThrottled), 503},
		{fmt.Errorf("x: %w", render.ErrBusy), 429},
		{fmt.Errorf("x: %w", context.DeadlineExceeded), 504},
		{errors.New("disk on fire"), 500},
	}
	for _, c := range cases {
		code, msg := status(c.err)
		if code != c.want || msg == "" || strings.Contains(msg, "disk") {
			t.Errorf("status(%v) = %d %q, want %d with a safe message", c.err, code, msg, c.want)
		}
	}
}

func TestPanicIsRecovered(t *testing.T) {
	srv := server(t, panicking{}, &synthtest.Fake{})
	for range 2 {
		res, err := http.Get(srv.URL + "/v1/articles/a/audio.mp3")
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(res.Body)
		res.Body.Close()
		if res.StatusCode != 500 || !strings.Contains(string(body), `"error"`) {
			t.Fatalf("panic: %d %s", res.StatusCode, body)
		}
	}
}

type panicking struct{}

func (panicking) Article(context.Context, string) (*article.Article, error) { panic("source bug") }
