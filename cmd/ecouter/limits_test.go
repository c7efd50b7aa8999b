package main

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
)

// An article longer than ECOUTER_MAX_CHARS is refused with 422 and a clear
// message, from every route that renders and from `ecouter render`, before
// anything is synthesised.
func TestMaxChars(t *testing.T) {
	env := map[string]string{"ECOUTER_MAX_CHARS": "100"}
	srv := service(t, env)
	for _, r := range []struct{ method, path string }{
		{"GET", "/v1/articles/breve/audio.mp3"},
		{"GET", "/v1/articles/breve/download"},
		{"GET", "/v1/articles/breve/transcript.vtt"},
		{"POST", "/v1/articles/breve/render?wait=1"},
	} {
		res, body := do(t, r.method, srv.URL+r.path, "Authorization", "Bearer "+testKey)
		var e struct{ Error string }
		if res.StatusCode != http.StatusUnprocessableEntity || json.Unmarshal(body, &e) != nil ||
			!strings.Contains(e.Error, "ECOUTER_MAX_CHARS") {
			t.Errorf("%s %s: %d %s, want 422 naming ECOUTER_MAX_CHARS", r.method, r.path, res.StatusCode, body)
		}
	}
	if res, body := get(t, srv.URL+"/v1/articles/breve/script"); res.StatusCode != http.StatusOK {
		t.Errorf("script of a long article: %d %s; it costs nothing and shows what is too long", res.StatusCode, body)
	}

	env["ECOUTER_STORE"] = t.TempDir()
	env["ECOUTER_ARTICLES"] = "dir:" + articleDir(t)
	var out, errOut bytes.Buffer
	err := run(context.Background(), []string{"render", "court"}, func(k string) string { return env[k] }, &out, &errOut)
	if err == nil || !strings.Contains(errOut.String(), "ECOUTER_MAX_CHARS") {
		t.Fatalf("ecouter render: %v, stderr %q", err, errOut.String())
	}
}
