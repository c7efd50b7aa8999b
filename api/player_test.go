package api

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"

	"ecouter/article"
	"ecouter/render"
	"ecouter/store"
	"ecouter/synth/synthtest"
)

// articles is a source holding a few articles by ID.
type articles map[string]*article.Article

func (a articles) Article(_ context.Context, id string) (*article.Article, error) {
	if art, ok := a[id]; ok {
		return art, nil
	}
	return nil, fmt.Errorf("article %s: %w", id, article.ErrNotFound)
}

var demoArticles = articles{
	"place": {
		ID: "place", Title: `Le <b>maire</b> & "l'adjoint"`, Author: "Claire Martin",
		HTML: "<p>Les travaux commencent lundi. Le chantier durera un mois.</p><h2>Un budget</h2>" +
			"<ul><li>Première étape.</li><li>Seconde étape.</li></ul>" +
			"<blockquote>On avance, dit-il.</blockquote><p><script>alert(1)</script>Fin.</p>",
	},
}

func playerServer(t *testing.T, origins ...string) *httptest.Server {
	t.Helper()
	st, err := store.NewDir(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	svc := render.New(demoArticles, &synthtest.Fake{}, st, render.DefaultConfig(), log, nil)
	srv := httptest.NewServer(newFor(svc, Config{APIKey: "k", AllowedOrigins: origins, Jobs: localJobs(t, svc)}, log, nil))
	t.Cleanup(srv.Close)
	return srv
}

func call(t *testing.T, method, url string, hdr ...string) (*http.Response, string) {
	t.Helper()
	req, err := http.NewRequest(method, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return res, string(body)
}

func TestPlayerScriptIsCacheable(t *testing.T) {
	srv := playerServer(t)
	res, body := call(t, http.MethodGet, srv.URL+"/player.js")
	etag := res.Header.Get("ETag")
	if res.StatusCode != 200 || res.Header.Get("Content-Type") != "text/javascript; charset=utf-8" ||
		res.Header.Get("Cache-Control") != "public, max-age=3600" || !strings.HasPrefix(etag, `"`) {
		t.Fatalf("player.js: %d %v", res.StatusCode, res.Header)
	}
	if !strings.Contains(body, "data-ecouter-article") || len(body) > 20<<10 {
		t.Fatalf("player.js: %d bytes, not the player", len(body))
	}
	res, body = call(t, http.MethodGet, srv.URL+"/player.js", "If-None-Match", etag)
	if res.StatusCode != http.StatusNotModified || body != "" {
		t.Fatalf("If-None-Match: %d %q", res.StatusCode, body)
	}
	res, body = call(t, http.MethodGet, srv.URL+"/player.js", "If-None-Match", `"other"`)
	if res.StatusCode != 200 || body == "" {
		t.Fatalf("stale ETag: %d", res.StatusCode)
	}
	res, body = call(t, http.MethodHead, srv.URL+"/player.js")
	if res.StatusCode != 200 || body != "" || res.Header.Get("ETag") != etag {
		t.Fatalf("HEAD: %d %q %v", res.StatusCode, body, res.Header)
	}
}

var cueSpan = regexp.MustCompile(`<span data-ecouter-cue="(\d+)">`)

func TestDemoPage(t *testing.T) {
	srv := playerServer(t)
	res, before := call(t, http.MethodGet, srv.URL+"/demo/place")
	if res.StatusCode != 200 || !strings.HasPrefix(res.Header.Get("Content-Type"), "text/html") {
		t.Fatalf("demo: %d %v", res.StatusCode, res.Header)
	}
	for _, want := range []string{
		`<html lang="fr">`,
		`<title>Le &lt;b&gt;maire&lt;/b&gt; &amp; &#34;l&#39;adjoint&#34; · ecouter</title>`,
		`<article data-ecouter-text="place">`,
		`<h1><span data-ecouter-cue="0">Le &lt;b&gt;maire&lt;/b&gt;`,
		`<p class="byline"><span data-ecouter-cue="1">Par Claire Martin.</span></p>`,
		`<button type="button" data-ecouter-article="place">`,
		`<p><span data-ecouter-cue="2">Les travaux commencent lundi.</span> <span data-ecouter-cue="3">Le chantier durera un mois.</span></p>`,
		`<h2><span data-ecouter-cue="4">Un budget</span></h2>`,
		"<ul>\n<li><span data-ecouter-cue=\"5\">Première étape.</span></li>\n<li><span data-ecouter-cue=\"6\">Seconde étape.</span></li>\n</ul>",
		`<blockquote><p><span data-ecouter-cue="7">`,
		`<script src="/player.js" defer></script>`,
	} {
		if !strings.Contains(before, want) {
			t.Errorf("demo page lacks %s", want)
		}
	}
	if strings.Contains(before, "<b>maire") || strings.Contains(before, "alert(1)") {
		t.Errorf("demo page lets markup through:\n%s", before)
	}
	spans := cueSpan.FindAllStringSubmatch(before, -1)
	for i, m := range spans {
		if m[1] != fmt.Sprint(i) {
			t.Fatalf("span %d is cue %s: cues must count the sentences in order", i, m[1])
		}
	}

	// Once rendered, the page comes from the manifest's cues: the same
	// sentences under the same numbers, one per cue.
	if res, _ := call(t, http.MethodGet, srv.URL+"/v1/articles/place/audio.mp3"); res.StatusCode != 200 {
		t.Fatalf("render: %d", res.StatusCode)
	}
	_, after := call(t, http.MethodGet, srv.URL+"/demo/place")
	if after != before {
		t.Errorf("page from the manifest differs from the page from the script:\n%s\n---\n%s", before, after)
	}
	_, manifest := call(t, http.MethodGet, srv.URL+"/v1/articles/place")
	if n := strings.Count(manifest, `"start":`); n != len(spans) || n == 0 {
		t.Errorf("%d spans for %d cues", len(spans), n)
	}
}

func TestDemoProblems(t *testing.T) {
	srv := playerServer(t)
	res, body := call(t, http.MethodGet, srv.URL+"/demo/inconnu")
	if res.StatusCode != http.StatusNotFound || !strings.Contains(body, "Article introuvable") ||
		!strings.Contains(body, `data-ecouter-article="inconnu"`) || !strings.Contains(body, `src="/player.js"`) {
		t.Errorf("unknown article: %d\n%s", res.StatusCode, body)
	}
	res, body = call(t, http.MethodGet, srv.URL+"/demo/pas.valide")
	if res.StatusCode != http.StatusBadRequest || !strings.Contains(body, "Identifiant invalide") ||
		strings.Contains(body, "data-ecouter-article") || !strings.Contains(res.Header.Get("Content-Type"), "text/html") {
		t.Errorf("bad id: %d\n%s", res.StatusCode, body)
	}
}

func TestCORS(t *testing.T) {
	const site = "https://www.exemple-actu.fr"
	srv := playerServer(t, site+"/", "https://autre-site.fr")
	cases := []struct {
		method, path, origin string
		allowed              bool
	}{
		{"GET", "/v1/articles/place", site, true},
		{"GET", "/v1/articles/inconnu", site, true}, // the player must read the 404
		{"GET", "/v1/articles/place/audio.mp3", site, true},
		{"HEAD", "/v1/articles/place/audio.mp3", site, true},
		{"GET", "/player.js", site, true},
		{"GET", "/v1/articles/place", "https://evil.example", false},
		{"GET", "/v1/articles/place", "https://www.exemple-actu.fr.evil.example", false},
		{"GET", "/v1/articles/place", "http://www.exemple-actu.fr", false},
		{"GET", "/demo/place", site, false},
		{"GET", "/healthz", site, false},
		{"POST", "/v1/articles/place/render", site, false},
	}
	for _, c := range cases {
		res, _ := call(t, c.method, srv.URL+c.path, "Origin", c.origin, "Range", "bytes=0-99")
		acao := res.Header.Get("Access-Control-Allow-Origin")
		expose := res.Header.Get("Access-Control-Expose-Headers")
		if c.allowed {
			if acao != c.origin || expose != "Content-Length,Content-Range,Accept-Ranges,ETag" {
				t.Errorf("%s %s from %s: ACAO %q, expose %q", c.method, c.path, c.origin, acao, expose)
			}
		} else if acao != "" || expose != "" {
			t.Errorf("%s %s from %s: ACAO %q, expose %q, want none", c.method, c.path, c.origin, acao, expose)
		}
	}

	res, _ := call(t, http.MethodOptions, srv.URL+"/v1/articles/place/audio.mp3", "Origin", site,
		"Access-Control-Request-Method", "GET", "Access-Control-Request-Headers", "range")
	if res.StatusCode != http.StatusNoContent || res.Header.Get("Access-Control-Allow-Origin") != site ||
		res.Header.Get("Access-Control-Allow-Methods") != "GET,HEAD" || res.Header.Get("Access-Control-Allow-Headers") != "Range" {
		t.Errorf("preflight: %d %v", res.StatusCode, res.Header)
	}
	res, _ = call(t, http.MethodOptions, srv.URL+"/v1/articles/place/audio.mp3", "Origin", "https://evil.example",
		"Access-Control-Request-Method", "GET")
	if res.Header.Get("Access-Control-Allow-Origin") != "" {
		t.Errorf("preflight from an unknown origin: %v", res.Header)
	}

	// No configured origin: no CORS at all.
	none := playerServer(t)
	if res, _ := call(t, http.MethodGet, none.URL+"/v1/articles/place", "Origin", site); res.Header.Get("Access-Control-Allow-Origin") != "" {
		t.Errorf("no origins configured, yet ACAO %q", res.Header.Get("Access-Control-Allow-Origin"))
	}
}
