package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"math"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/prometheus/client_golang/prometheus"

	"ecouter/api"
	"ecouter/audio"
	"ecouter/render"
)

// These tests run the real service: espeak-ng, libmp3lame, the local store,
// on a loopback port. They fail (never skip) when espeak-ng is missing.

const testKey = "s3cret-test-key"

// served is a node serving on loopback, as ecouter serve runs it.
type served struct {
	URL     string
	Handler http.Handler // the HTTP application, for tests that put something before it
}

// service starts ecouter on loopback with the given environment.
func service(t *testing.T, env map[string]string) *served {
	t.Helper()
	return serviceLog(t, env, io.Discard)
}

// serviceLog is service with the log written to w.
func serviceLog(t *testing.T, env map[string]string, w io.Writer) *served {
	t.Helper()
	// The node as serve runs it: on an embedded NATS of its own, with
	// every loop of serve's.
	full := map[string]string{"ECOUTER_STORE": t.TempDir(), "ECOUTER_NATS_DIR": t.TempDir(), "ECOUTER_API_KEY": testKey}
	for k, v := range env {
		full[k] = v
	}
	cfg, err := LoadConfig(func(k string) string { return full[k] })
	if err != nil {
		t.Fatal(err)
	}
	log := slog.New(slog.NewTextHandler(w, nil))
	reg := prometheus.NewRegistry()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	n, err := startNode(context.Background(), cfg, log, reg)
	if err != nil {
		ln.Close()
		t.Fatal(err)
	}
	ctx, stop := context.WithCancel(context.Background())
	stopped := make(chan error, 1)
	go func() { stopped <- n.serve(ctx, ln) }()
	t.Cleanup(func() {
		stop()
		if err := <-stopped; err != nil {
			t.Errorf("serve: %v", err)
		}
	})
	return &served{URL: "http://" + ln.Addr().String(), Handler: n.http}
}

// articleDir writes a folder source with two short articles.
func articleDir(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	write := func(id string, v any) {
		b, _ := json.Marshal(v)
		if err := os.WriteFile(filepath.Join(dir, id+".json"), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("court", map[string]string{
		"title": "La mairie rénove la place du marché", "author": "Claire Martin",
		"published": "2026-03-02T08:00:00Z", "url": "https://www.exemple-actu.fr/place",
		"html": "<p>Les travaux commenceront lundi. M. Durand, l'adjoint au maire, promet un chantier rapide.</p>" +
			"<figure><img src=x><figcaption>Légende à ne pas lire</figcaption></figure>" +
			"<h2>Un budget maîtrisé</h2><p>Le coût est estimé à 1,2 million d'euros. Les commerçants restent ouverts.</p>",
	})
	write("autre", map[string]string{
		"title": "Un second article", "text": "Une seule phrase suffit ici.\n\nEt un deuxième paragraphe.",
	})
	return dir
}

func get(t *testing.T, url string, hdr ...string) (*http.Response, []byte) {
	t.Helper()
	return do(t, http.MethodGet, url, hdr...)
}

func do(t *testing.T, method, url string, hdr ...string) (*http.Response, []byte) {
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
	return res, body
}

// metric reads one sample from /metrics.
func metric(t *testing.T, base, name string) float64 {
	t.Helper()
	_, body := get(t, base+"/metrics")
	m := regexp.MustCompile(`(?m)^` + regexp.QuoteMeta(name) + ` (\S+)$`).FindSubmatch(body)
	if m == nil {
		return 0
	}
	v, err := strconv.ParseFloat(string(m[1]), 64)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

type manifestJSON struct {
	Status   string  `json:"status"`
	Key      string  `json:"key"`
	Duration float64 `json:"duration"`
	Size     int64   `json:"size"`
	AudioURL string  `json:"audio_url"`
	Cues     []struct {
		Kind       string
		Text       string
		Start, End float64
	} `json:"cues"`
}

func TestEndToEndFolderSource(t *testing.T) {
	srv := service(t, map[string]string{"ECOUTER_ARTICLES": "dir:" + articleDir(t)})
	base := srv.URL

	// The first request streams the render as it is encoded.
	res, streamed := get(t, base+"/v1/articles/court/audio.mp3")
	if res.StatusCode != http.StatusOK || res.Header.Get("Content-Type") != "audio/mpeg" {
		t.Fatalf("first audio request: %d %s %s", res.StatusCode, res.Header.Get("Content-Type"), streamed)
	}
	if res.Header.Get("Accept-Ranges") != "none" || res.ContentLength != -1 {
		t.Fatalf("first request is not a stream: Accept-Ranges %q, length %d", res.Header.Get("Accept-Ranges"), res.ContentLength)
	}
	// Once the stream has ended, the stored file is served.
	res, mp3 := get(t, base+"/v1/articles/court/audio.mp3")
	if res.StatusCode != http.StatusOK {
		t.Fatalf("audio: %d %s", res.StatusCode, mp3)
	}
	live, err := audio.DecodeMP3(bytes.NewReader(streamed))
	if err != nil {
		t.Fatalf("decode the stream: %v", err)
	}
	if res.Header.Get("Accept-Ranges") != "bytes" || res.Header.Get("Content-Length") != strconv.Itoa(len(mp3)) {
		t.Fatalf("headers: %v", res.Header)
	}
	etag := res.Header.Get("ETag")
	if !strings.HasPrefix(etag, `"`) || strings.HasPrefix(etag, "W/") {
		t.Fatalf("want a strong ETag, got %q", etag)
	}
	clip, err := audio.DecodeMP3(bytes.NewReader(mp3))
	if err != nil {
		t.Fatal(err)
	}
	if clip.Rate != 44100 {
		t.Fatalf("MP3 at %d Hz, want 44100", clip.Rate)
	}
	if d := math.Abs(live.Seconds()-clip.Seconds()) / clip.Seconds(); d > 0.01 {
		t.Fatalf("streamed audio lasts %.2fs, stored %.2fs", live.Seconds(), clip.Seconds())
	}
	if d := math.Abs(audio.Loudness(live) - audio.Loudness(clip)); d > 1 {
		t.Fatalf("streamed and stored loudness differ by %.2f LU", d)
	}

	res, body := get(t, base+"/v1/articles/court")
	var m manifestJSON
	if err := json.Unmarshal(body, &m); err != nil || res.StatusCode != 200 {
		t.Fatalf("manifest: %d %s", res.StatusCode, body)
	}
	if m.Status != "ready" || m.Size != int64(len(mp3)) || `"`+m.Key+`"` != etag {
		t.Fatalf("manifest %+v does not describe the served file (%d bytes, %s)", m, len(mp3), etag)
	}
	// go-mp3 keeps the encoder delay and padding (about 50 ms).
	if d := clip.Seconds() - m.Duration; d < -0.05 || d > 0.12 {
		t.Fatalf("decoded MP3 lasts %.3fs, manifest says %.3fs", clip.Seconds(), m.Duration)
	}
	if m.Duration < 8 || m.Duration > 40 {
		t.Fatalf("implausible duration %.1fs for a 5-sentence article", m.Duration)
	}
	for _, c := range m.Cues {
		if strings.Contains(c.Text, "Légende") {
			t.Fatal("the figure caption is read")
		}
	}

	// The transcript: one cue per sentence, inside the audio.
	res, vtt := get(t, base+"/v1/articles/court/transcript.vtt")
	if res.StatusCode != 200 || !strings.HasPrefix(string(vtt), "WEBVTT\n") {
		t.Fatalf("transcript: %d %q", res.StatusCode, vtt)
	}
	if n := strings.Count(string(vtt), " --> "); n != len(m.Cues) || n < 6 {
		t.Fatalf("transcript has %d cues, manifest %d", n, len(m.Cues))
	}
	if last := m.Cues[len(m.Cues)-1]; last.End > m.Duration || !strings.Contains(string(vtt), "Les commerçants restent ouverts.") {
		t.Fatalf("last cue ends at %.2f after the audio (%.2f)", last.End, m.Duration)
	}

	// Ranges, conditional requests, HEAD.
	res, part := get(t, base+"/v1/articles/court/audio.mp3", "Range", "bytes=1000-1999")
	if res.StatusCode != http.StatusPartialContent || !bytes.Equal(part, mp3[1000:2000]) {
		t.Fatalf("range: %d, %d bytes, equal %v", res.StatusCode, len(part), bytes.Equal(part, mp3[1000:2000]))
	}
	if got := res.Header.Get("Content-Range"); got != fmt.Sprintf("bytes 1000-1999/%d", len(mp3)) {
		t.Fatalf("Content-Range %q", got)
	}
	res, _ = get(t, base+"/v1/articles/court/audio.mp3", "Range", fmt.Sprintf("bytes=%d-", len(mp3)+10))
	if res.StatusCode != http.StatusRequestedRangeNotSatisfiable {
		t.Fatalf("range past the end: %d", res.StatusCode)
	}
	res, _ = get(t, base+"/v1/articles/court/audio.mp3", "If-None-Match", etag)
	if res.StatusCode != http.StatusNotModified {
		t.Fatalf("If-None-Match: %d", res.StatusCode)
	}
	res, body = do(t, http.MethodHead, base+"/v1/articles/court/audio.mp3")
	if res.StatusCode != 200 || len(body) != 0 || res.Header.Get("Content-Length") != strconv.Itoa(len(mp3)) {
		t.Fatalf("HEAD: %d, %d body bytes, length %s", res.StatusCode, len(body), res.Header.Get("Content-Length"))
	}

	// Served again without a new render.
	if n := metric(t, base, `ecouter_renders_total{outcome="ok"}`); n != 1 {
		t.Fatalf("renders after repeated requests: %v, want 1", n)
	}
	if _, again := get(t, base+"/v1/articles/court/audio.mp3"); !bytes.Equal(again, mp3) {
		t.Fatal("second request got different bytes")
	}

	// Eight concurrent first requests for another article: one render.
	var wg sync.WaitGroup
	sizes := make([]int, 8)
	for i := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			res, err := http.Get(base + "/v1/articles/autre/audio.mp3")
			if err != nil {
				t.Error(err)
				return
			}
			defer res.Body.Close()
			b, _ := io.ReadAll(res.Body)
			if res.StatusCode != 200 {
				t.Errorf("concurrent request: %d %s", res.StatusCode, b)
			}
			sizes[i] = len(b)
		}()
	}
	wg.Wait()
	if n := metric(t, base, `ecouter_renders_total{outcome="ok"}`); n != 2 {
		t.Fatalf("renders after 8 concurrent first requests: %v, want 2 (one each)", n)
	}
	for _, s := range sizes {
		if s != sizes[0] || s == 0 {
			t.Fatalf("concurrent requests got different files: %v", sizes)
		}
	}
	if metric(t, base, "ecouter_synth_characters_total{backend=\"espeak\"}") <= 0 {
		t.Fatal("synthesised characters not counted")
	}
}

func TestEndToEndErrors(t *testing.T) {
	srv := service(t, map[string]string{"ECOUTER_ARTICLES": "dir:" + articleDir(t)})
	base := srv.URL
	cases := []struct {
		method, path string
		hdr          []string
		status       int
	}{
		{"GET", "/v1/articles/inconnu/audio.mp3", nil, 404},
		{"GET", "/v1/articles/inconnu", nil, 404},
		{"GET", "/v1/articles/inconnu/transcript.vtt", nil, 404},
		{"GET", "/v1/articles/bad.id/audio.mp3", nil, 400},
		{"GET", "/v1/articles/%2e%2e%2fetc/audio.mp3", nil, 400},
		{"GET", "/v1/articles/" + strings.Repeat("x", 101) + "/audio.mp3", nil, 400},
		{"GET", "/v1/articles/caf%C3%A9/audio.mp3", nil, 400},
		{"POST", "/v1/articles/court/render", nil, 401},
		{"POST", "/v1/articles/court/render", []string{"Authorization", "Bearer wrong"}, 401},
		{"POST", "/v1/articles/inconnu/render", []string{"Authorization", "Bearer " + testKey}, 404},
		{"GET", "/v1/nothing-here", nil, 404},
	}
	for _, c := range cases {
		res, body := do(t, c.method, base+c.path, c.hdr...)
		var e struct{ Error string }
		if res.StatusCode != c.status || json.Unmarshal(body, &e) != nil || e.Error == "" {
			t.Errorf("%s %s: %d %s; want %d with a JSON error", c.method, c.path, res.StatusCode, body, c.status)
		}
		if strings.Contains(string(body), testKey) {
			t.Errorf("%s %s: the API key leaks into the body", c.method, c.path)
		}
	}

	// The manifest of a known article that is not rendered yet.
	res, body := get(t, base+"/v1/articles/court")
	var m manifestJSON
	json.Unmarshal(body, &m)
	if res.StatusCode != 200 || m.Status != "not_rendered" || !strings.HasSuffix(m.AudioURL, "/v1/articles/court/audio.mp3") {
		t.Fatalf("unrendered manifest: %d %s", res.StatusCode, body)
	}
	// POST render with the key: 202, then ?wait=1: 200 with the stored render.
	res, body = do(t, "POST", base+"/v1/articles/court/render", "Authorization", "Bearer "+testKey)
	if res.StatusCode != http.StatusAccepted || res.Header.Get("Location") == "" {
		t.Fatalf("render: %d %s", res.StatusCode, body)
	}
	res, body = do(t, "POST", base+"/v1/articles/court/render?wait=1", "Authorization", "Bearer "+testKey)
	json.Unmarshal(body, &m)
	if res.StatusCode != 200 || m.Status != "ready" || m.Duration <= 0 {
		t.Fatalf("render?wait=1: %d %s", res.StatusCode, body)
	}
	if n := metric(t, base, `ecouter_renders_total{outcome="ok"}`); n != 1 {
		t.Fatalf("two render requests for an unchanged article ran %v renders, want 1", n)
	}
}

func TestRenderEndpointsRefusedWithoutKey(t *testing.T) {
	srv := service(t, map[string]string{"ECOUTER_ARTICLES": "dir:" + articleDir(t), "ECOUTER_API_KEY": ""})
	res, body := do(t, "POST", srv.URL+"/v1/articles/court/render", "Authorization", "Bearer ")
	if res.StatusCode != http.StatusForbidden || !strings.Contains(string(body), "ECOUTER_API_KEY") {
		t.Fatalf("render with no key configured: %d %s", res.StatusCode, body)
	}
}

// fakeWordPress serves posts in the WordPress REST API's shape.
func fakeWordPress(t *testing.T) (*httptest.Server, *sync.Map) {
	t.Helper()
	var hits sync.Map
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id := strings.TrimPrefix(r.URL.Path, "/wp-json/wp/v2/posts/")
		n, _ := hits.LoadOrStore(id, new(int))
		*(n.(*int))++
		switch id {
		case "42":
			if _, ok := r.URL.Query()["_embed"]; !ok {
				http.Error(w, "want _embed", 400)
				return
			}
			w.Header().Set("Content-Type", "application/json")
			fmt.Fprint(w, `{"id":42,"date_gmt":"2026-05-04T07:30:00","modified_gmt":"2026-05-04T09:00:00",
				"link":"https://www.exemple-actu.fr/2026/05/04/velo/",
				"title":{"rendered":"Le v&eacute;lo gagne du terrain &#8211; enqu&ecirc;te"},
				"content":{"rendered":"<p>La part du v&eacute;lo atteint 8,5&nbsp;% des trajets.</p>\n<div class=\"sharedaddy\"><p>Partager sur Facebook</p></div>\n<p>Les associations demandent davantage de pistes.</p>"},
				"_embedded":{"author":[{"name":"Paul Girard"}]}}`)
		case "500":
			http.Error(w, "database down", 500)
		default:
			w.WriteHeader(404)
			fmt.Fprint(w, `{"code":"rest_post_invalid_id","message":"Invalid post ID.","data":{"status":404}}`)
		}
	}))
	t.Cleanup(srv.Close)
	return srv, &hits
}

func TestEndToEndWordPress(t *testing.T) {
	wp, _ := fakeWordPress(t)
	srv := service(t, map[string]string{"ECOUTER_ARTICLES": "wordpress:" + wp.URL, "ECOUTER_PUBLIC_URL": "https://audio.exemple-actu.fr"})
	res, mp3 := get(t, srv.URL+"/v1/articles/42/audio.mp3")
	if res.StatusCode != 200 {
		t.Fatalf("audio: %d %s", res.StatusCode, mp3)
	}
	clip, err := audio.DecodeMP3(bytes.NewReader(mp3))
	if err != nil || clip.Seconds() < 4 {
		t.Fatalf("decoded %.1fs, %v", clip.Seconds(), err)
	}
	_, body := get(t, srv.URL+"/v1/articles/42")
	var m manifestJSON
	json.Unmarshal(body, &m)
	if m.AudioURL != "https://audio.exemple-actu.fr/v1/articles/42/audio.mp3" {
		t.Fatalf("audio_url %q does not use ECOUTER_PUBLIC_URL", m.AudioURL)
	}
	if math.Abs(clip.Seconds()-m.Duration) > 0.12 {
		t.Fatalf("decoded %.3fs, manifest %.3fs", clip.Seconds(), m.Duration)
	}
	texts := ""
	for _, c := range m.Cues {
		texts += c.Text + "|"
	}
	if !strings.Contains(texts, "Le vélo gagne du terrain – enquête|Par Paul Girard.|") || strings.Contains(texts, "Partager") {
		t.Fatalf("narration read from WordPress: %s", texts)
	}
	for id, want := range map[string]int{"500": 502, "7": 404} {
		res, body := get(t, srv.URL+"/v1/articles/"+id+"/audio.mp3")
		if res.StatusCode != want || strings.Contains(string(body), "database down") {
			t.Errorf("article %s: %d %s, want %d without the source's text", id, res.StatusCode, body, want)
		}
	}
}

func TestConfigErrorsAreListed(t *testing.T) {
	env := map[string]string{
		"ECOUTER_ADDR": "nope", "ECOUTER_SYNTH": "banana", "ECOUTER_ARTICLE_TTL": "forever",
		"ECOUTER_MP3_BITRATE": "9000", "ECOUTER_ARTICLES": "ftp:x", "ECOUTER_API_KEY": "topsecret",
	}
	var out, errOut bytes.Buffer
	err := run(context.Background(), []string{"serve"}, func(k string) string { return env[k] }, &out, &errOut)
	if err == nil {
		t.Fatal("bad configuration accepted")
	}
	for _, name := range []string{"ECOUTER_ADDR", "ECOUTER_SYNTH", "ECOUTER_ARTICLE_TTL", "ECOUTER_MP3_BITRATE", "ECOUTER_ARTICLES"} {
		if !strings.Contains(err.Error(), name) {
			t.Errorf("error does not name %s:\n%v", name, err)
		}
	}
	if strings.Contains(err.Error(), "topsecret") {
		t.Error("the API key leaks into the error")
	}
}

func TestConfigLogHidesSecrets(t *testing.T) {
	env := map[string]string{"ECOUTER_API_KEY": "topsecret", "ECOUTER_ARTICLES": "wordpress:https://user:pw@cms.example/?token=abc",
		"ECOUTER_STORE": "s3://AKID:s3secret@bucket/audio"}
	cfg, err := LoadConfig(func(k string) string { return env[k] })
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	slog.New(slog.NewTextHandler(&buf, nil)).Info("start", "config", cfg)
	for _, secret := range []string{"topsecret", "pw@", "abc", "s3secret"} {
		if strings.Contains(buf.String(), secret) {
			t.Errorf("start-up log shows %q: %s", secret, buf.String())
		}
	}
	if !strings.Contains(buf.String(), "set (hidden)") {
		t.Errorf("start-up log does not say the key is set: %s", buf.String())
	}
}

func TestConfigValues(t *testing.T) {
	env := map[string]string{"ECOUTER_MAX_RENDERS": "7", "ECOUTER_WORKERS": "3", "ECOUTER_ENCODERS": "5", "ECOUTER_PAUSE_SENTENCE": "400ms", "ECOUTER_MP3_BITRATE": "96"}
	cfg, err := LoadConfig(func(k string) string { return env[k] })
	if err != nil {
		t.Fatal(err)
	}
	rc := cfg.renderConfig()
	if rc.MaxRenders != 7 || rc.Parallel != 3 || rc.Encoders != 5 || rc.Pauses.Sentence.Milliseconds() != 400 || rc.Encode.Bitrate != 96 {
		t.Fatalf("render config from the environment: %+v", rc)
	}
	if cfg.Voice != "fr" {
		t.Fatalf("default espeak voice %q", cfg.Voice)
	}
	// ECOUTER_MAX_RENDERS=0 is documented as the default; it used to
	// reach the cluster's scheduler and queue as 0, that is one slot.
	env = map[string]string{"ECOUTER_MAX_RENDERS": "0"}
	if cfg, err = LoadConfig(func(k string) string { return env[k] }); err != nil || cfg.MaxRenders != render.DefaultMaxRenders() || cfg.renderConfig().MaxRenders != render.DefaultMaxRenders() {
		t.Fatalf("ECOUTER_MAX_RENDERS=0: %d, render config %d, want the default %d (%v)", cfg.MaxRenders, cfg.renderConfig().MaxRenders, render.DefaultMaxRenders(), err)
	}
	// ECOUTER_LISTEN_IPV6_NETS_PER_48: the default, a number, and 0 for
	// "every /64 keeps its own budget" (api's negative).
	for v, want := range map[string]int{"": api.DefaultNetsPer48, "9": 9, "0": -1} {
		env = map[string]string{"ECOUTER_LISTEN_IPV6_NETS_PER_48": v}
		if cfg, err = LoadConfig(func(k string) string { return env[k] }); err != nil || netsPer48(cfg.ListenNetsPer48) != want {
			t.Fatalf("ECOUTER_LISTEN_IPV6_NETS_PER_48=%q: %d, want %d (%v)", v, netsPer48(cfg.ListenNetsPer48), want, err)
		}
	}
	env = map[string]string{"ECOUTER_SYNTH": "polly"}
	if cfg, _ = LoadConfig(func(k string) string { return env[k] }); cfg.Voice != "Lea" || cfg.renderConfig().Parallel != 18 {
		t.Fatalf("polly defaults: voice %q, parallel %d", cfg.Voice, cfg.renderConfig().Parallel)
	}
	// Polly's many sentences in flight are network-bound: encoders stay
	// one per core.
	if n := cfg.renderConfig().Encoders; n != runtime.NumCPU() {
		t.Fatalf("polly: %d encoders, want one per core (%d)", n, runtime.NumCPU())
	}
}
