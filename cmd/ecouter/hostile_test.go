package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"ecouter/internal/testwait"
	"ecouter/store/s3test"
	"ecouter/synth/polly/pollytest"
)

// These tests run `ecouter serve` itself (run, as main does: configuration
// from the environment, the real listener and http.Server) on a loopback
// port, against a hostile CMS.

// serveCmd runs `ecouter serve -addr 127.0.0.1:PORT` with env until the
// test ends, and returns its base URL and log.
func serveCmd(t *testing.T, env map[string]string) (string, *syncBuffer) {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	// The embedded NATS gets a folder of the test's own: with an S3 store
	// its default is ./data/nats, inside the source tree.
	full := map[string]string{"ECOUTER_STORE": t.TempDir(), "ECOUTER_NATS_DIR": t.TempDir(), "ECOUTER_API_KEY": testKey}
	for k, v := range env {
		full[k] = v
	}
	log := &syncBuffer{}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, []string{"serve", "-addr", addr}, func(k string) string { return full[k] }, io.Discard, log)
	}()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("serve: %v", err)
		}
	})
	base := "http://" + addr
	testwait.Eventually(t, func() bool {
		select {
		case err := <-done:
			done <- err // for the cleanup
			t.Fatalf("serve exited: %v\n%s", err, log)
		default:
		}
		res, err := http.Get(base + "/healthz")
		if err == nil {
			res.Body.Close()
		}
		return err == nil
	}, "serve answering\n%s", log)
	return base, log
}

// hostileCMS is an article API that misbehaves on purpose: redirects off
// its host, refuses, fails, serves unreadable articles; and counts what it
// is asked, and what the host it redirects to is asked.
type hostileCMS struct {
	*httptest.Server
	mu        sync.Mutex
	asked     map[string]int
	elsewhere int
}

func newHostileCMS(t *testing.T) *hostileCMS {
	c := &hostileCMS{asked: map[string]int{}}
	other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c.mu.Lock()
		c.elsewhere++
		c.mu.Unlock()
		w.Write([]byte(`{"title":"Métadonnées internes","text":"Clé secrète du nuage."}`))
	}))
	t.Cleanup(other.Close)
	c.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id := strings.TrimSuffix(strings.TrimPrefix(r.URL.Path, "/api/"), ".json")
		c.mu.Lock()
		c.asked[id]++
		c.mu.Unlock()
		switch {
		case strings.HasPrefix(id, "art-"):
			fmt.Fprintf(w, `{"title":"Brève numéro %s","text":"Le conseil a voté."}`, strings.TrimPrefix(id, "art-"))
		case id == "redirect":
			http.Redirect(w, r, other.URL+"/latest/meta-data/iam?token=s3cret", http.StatusFound)
		case id == "auth":
			w.WriteHeader(http.StatusUnauthorized)
		case id == "boom":
			http.Error(w, "stack trace at db.go:42", http.StatusInternalServerError)
		case id == "trickle": // a byte a second, forever
			w.Write([]byte(`{"title":"`))
			for {
				select {
				case <-r.Context().Done():
					return
				case <-time.After(time.Second):
				}
				if _, err := w.Write([]byte("a")); err != nil {
					return
				}
				w.(http.Flusher).Flush()
			}
		case id == "markup":
			w.Write([]byte(`{"title":{"rendered":"<b> </b>"},"content":{"rendered":"<p><img src=x></p>"}}`))
		default:
			http.NotFound(w, r)
		}
	}))
	t.Cleanup(c.Server.Close)
	return c
}

func (c *hostileCMS) count(id string) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.asked[id]
}

func (c *hostileCMS) total() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	n := 0
	for _, v := range c.asked {
		n += v
	}
	return n
}

func (c *hostileCMS) env() map[string]string {
	return map[string]string{"ECOUTER_ARTICLES": "http:" + c.URL + "/api/{id}.json"}
}

// checkJSONError fails unless the answer is a JSON error with status want.
func checkJSONError(t *testing.T, what string, res *http.Response, body []byte, want int) string {
	t.Helper()
	var e struct{ Error, Code string }
	if res.StatusCode != want || !strings.HasPrefix(res.Header.Get("Content-Type"), "application/json") ||
		json.Unmarshal(body, &e) != nil || e.Error == "" || e.Code == "" {
		t.Errorf("%s: %d %q %s, want a JSON error %d", what, res.StatusCode, res.Header.Get("Content-Type"), body, want)
	}
	if res.Header.Get("X-Content-Type-Options") != "nosniff" {
		t.Errorf("%s: no nosniff", what)
	}
	return e.Code
}

func TestHostileCMS(t *testing.T) {
	cms := newHostileCMS(t)
	base, log := serveCmd(t, cms.env())

	// A CMS that trickles is cut at the source's time limit (20 s for the
	// whole answer), while everything else is served meanwhile: a 502, or
	// 504 where a source timeout has a status of its own.
	trickled := make(chan *http.Response, 1)
	go func() {
		res, err := http.Get(base + "/v1/articles/trickle/script")
		if err != nil {
			trickled <- nil
			return
		}
		res.Body.Close()
		trickled <- res
	}()
	defer func() {
		if res := <-trickled; res == nil || (res.StatusCode != http.StatusBadGateway && res.StatusCode != http.StatusGatewayTimeout) {
			t.Errorf("trickling CMS: %v, want 502 or 504", res)
		}
	}()

	// Redirect off the host: never followed, 502, the target in the log.
	res, body := get(t, base+"/v1/articles/redirect/script")
	checkJSONError(t, "redirect", res, body, http.StatusBadGateway)
	if strings.Contains(string(body), "Clé") || strings.Contains(string(body), "127.0.0.1") {
		t.Errorf("redirect target leaked to the client: %s", body)
	}
	if cms.elsewhere != 0 {
		t.Fatalf("the redirect target was fetched %d times", cms.elsewhere)
	}
	if !strings.Contains(log.String(), "/latest/meta-data/iam is off the source's host") || strings.Contains(log.String(), "s3cret") {
		t.Errorf("log should name the refused target, without its query:\n%s", log)
	}

	// A CMS 401 is a post not public (a draft): 404 (issue 13), never 502.
	for id, want := range map[string]int{"auth": 404, "boom": 502, "markup": 422, "nope": 404, "a%2Fb": 400} {
		res, body := get(t, base+"/v1/articles/"+id+"/audio.mp3")
		checkJSONError(t, id, res, body, want)
		if strings.Contains(string(body), "db.go") {
			t.Errorf("%s: the source's answer reached the client: %s", id, body)
		}
	}

	// The same unknown ID asked 20 times reaches the CMS once; POST render
	// still asks it.
	for range 20 {
		res, body := get(t, base+"/v1/articles/missing-1")
		checkJSONError(t, "unknown", res, body, 404)
	}
	if n := cms.count("missing-1"); n != 1 {
		t.Fatalf("the CMS was asked %d times for one unknown ID", n)
	}
	res, _ = do(t, "POST", base+"/v1/articles/missing-1/render", "Authorization", "bearer "+testKey)
	if res.StatusCode != 404 || cms.count("missing-1") != 2 {
		t.Fatalf("POST render of an unknown ID: %d, CMS asked %d times", res.StatusCode, cms.count("missing-1"))
	}
	// 100 unknown IDs asked twice: 100 CMS requests.
	before := cms.total()
	for range 2 {
		for i := range 100 {
			get(t, fmt.Sprintf("%s/v1/articles/walk-%d/audio.mp3", base, i))
		}
	}
	n := cms.total() - before
	t.Logf("figure: CMS requests for 100 unknown IDs asked twice: %d", n)
	if n != 100 {
		t.Fatalf("CMS asked %d times for 100 unknown IDs asked twice, want 100", n)
	}

	// A stored file asked with 12,000 ranges: at most the file back.
	if res, body := get(t, base+"/v1/articles/art-1/audio.mp3"); res.StatusCode != 200 || len(body) == 0 {
		t.Fatalf("render: %d", res.StatusCode)
	}
	res, mp3 := get(t, base+"/v1/articles/art-1/audio.mp3")
	if res.StatusCode != 200 || res.Header.Get("Accept-Ranges") != "bytes" {
		t.Fatalf("stored audio: %d %v", res.StatusCode, res.Header)
	}
	// One byte 12,000 times fits in the 64 KiB of headers allowed.
	res, body = get(t, base+"/v1/articles/art-1/audio.mp3", "Range", "bytes="+strings.Repeat("0-0,", 11999)+"0-0")
	t.Logf("figure: 12,000-range request: %d, %d bytes (file %d bytes)", res.StatusCode, len(body), len(mp3))
	if len(body) > len(mp3) {
		t.Fatalf("12,000 ranges answered %d bytes for a %d-byte file", len(body), len(mp3))
	}
	res, body = get(t, base+"/v1/articles/art-1/audio.mp3", "Range", "bytes=-0")
	checkJSONError(t, "bytes=-0", res, body, 416)
	if res, _ := get(t, base+"/v1/articles/art-1/audio.mp3", "Range", "pages=1-2"); res.StatusCode != 200 {
		t.Errorf("unknown Range unit: %d, want 200", res.StatusCode)
	}

	// Unknown routes and methods, and net/http's own 400, are JSON too.
	res, body = get(t, base+"/wp-admin/")
	checkJSONError(t, "unknown route", res, body, 404)
	res, body = do(t, "PUT", base+"/v1/articles/art-1")
	checkJSONError(t, "unknown method", res, body, 405)
	c, err := net.Dial("tcp", strings.TrimPrefix(base, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	fmt.Fprint(c, "GET /v1/articles/%zz/audio.mp3 HTTP/1.1\r\nHost: x\r\n\r\n")
	raw, _ := io.ReadAll(c)
	c.Close()
	if !strings.HasPrefix(string(raw), "HTTP/1.1 400") || !strings.Contains(string(raw), "application/json") || !strings.HasSuffix(string(raw), "}") {
		t.Errorf("bad %%-escape: %q", raw)
	}

	// Keys in the query never reach the log. The request's line is
	// written once its answer is sent: wait for it.
	get(t, base+"/feed.xml?api_key=s3cret-in-query&category=x")
	testwait.Eventually(t, func() bool { return strings.Contains(log.String(), "/feed.xml?") }, "the feed's request logged (its uri is quoted: it holds =)\n%s", log)
	if strings.Contains(log.String(), "s3cret-in-query") || !strings.Contains(log.String(), "api_key=REDACTED") {
		t.Errorf("query key in the log:\n%s", log)
	}
}

// TestListenBudgetServe walks 60 articles from one address: at most the
// budget (plus what refilled meanwhile) starts a render, the rest get 429
// with Retry-After, and a rendered article keeps being served.
func TestListenBudgetServe(t *testing.T) {
	cms := newHostileCMS(t)
	env := cms.env()
	env["ECOUTER_LISTEN_RENDERS_PER_MINUTE"] = "5"
	base, _ := serveCmd(t, env)

	start := time.Now()
	rendered, refused := 0, 0
	for i := range 60 {
		res, body := get(t, fmt.Sprintf("%s/v1/articles/art-%d/audio.mp3", base, i))
		switch res.StatusCode {
		case 200:
			rendered++
		case 429:
			refused++
			if s, err := strconv.Atoi(res.Header.Get("Retry-After")); err != nil || s < 1 || s > 60 {
				t.Fatalf("Retry-After %q", res.Header.Get("Retry-After"))
			}
			checkJSONError(t, "over budget", res, body, 429)
		default:
			t.Fatalf("art-%d: %d %s", i, res.StatusCode, body)
		}
	}
	// One more render per 12 s refills; the bound follows the walk's length.
	allowed := 5 + int(time.Since(start)/(12*time.Second))
	t.Logf("figure: walker of 60 articles in %v: %d renders started, %d refused (budget 5/min)", time.Since(start).Round(time.Second), rendered, refused)
	if rendered > allowed || rendered < 5 || rendered+refused != 60 {
		t.Fatalf("%d renders started, %d refused; at most %d may start", rendered, refused, allowed)
	}
	for range 10 {
		if res, _ := get(t, base+"/v1/articles/art-0/audio.mp3"); res.StatusCode != 200 {
			t.Fatalf("stored audio over budget: %d", res.StatusCode)
		}
	}
}

// TestRenderOnListenOff: listeners never start renders; the CMS hook does.
func TestRenderOnListenOff(t *testing.T) {
	cms := newHostileCMS(t)
	env := cms.env()
	env["ECOUTER_RENDER_ON_LISTEN"] = "false"
	base, _ := serveCmd(t, env)
	res, body := get(t, base+"/v1/articles/art-1/audio.mp3")
	if code := checkJSONError(t, "not rendered", res, body, 404); code != "not_rendered" {
		t.Fatalf("code %q, want not_rendered", code)
	}
	res, body = get(t, base+"/v1/articles/nope/audio.mp3")
	if code := checkJSONError(t, "unknown", res, body, 404); code != "not_found" {
		t.Fatalf("code %q, want not_found", code)
	}
	if res, body := do(t, "POST", base+"/v1/articles/art-1/render?wait=1", "Authorization", "Bearer "+testKey); res.StatusCode != 200 {
		t.Fatalf("render: %d %s", res.StatusCode, body)
	}
	if res, _ := get(t, base+"/v1/articles/art-1/audio.mp3"); res.StatusCode != 200 {
		t.Fatalf("rendered: %d", res.StatusCode)
	}
}

// TestS3OutageServe stops the S3 server (versitygw) under a running
// service: 503 with Retry-After and a JSON error, /readyz 503, /healthz
// still 200; all recovers when S3 is back.
func TestS3OutageServe(t *testing.T) {
	srv := s3Bucket(t, "ecouter")
	cms := newHostileCMS(t)
	env := cms.env()
	env["ECOUTER_STORE"] = "s3://ecouter/prod"
	env["ECOUTER_S3_PATH_STYLE"] = "true"
	base, log := serveCmd(t, env)

	get(t, base+"/v1/articles/art-1/audio.mp3") // rendered, streamed
	// The stream ends before the render is done with its scheduler (the
	// lease's result): wait for the manifest to say the audio is stored.
	testwait.Eventually(t, func() bool {
		_, body := get(t, base+"/v1/articles/art-1")
		return strings.Contains(string(body), `"status":"ready"`)
	}, "the first listen's render stored")
	res, mp3 := get(t, base+"/v1/articles/art-1/audio.mp3")
	if res.StatusCode != 200 || res.Header.Get("Accept-Ranges") != "bytes" {
		t.Fatalf("stored audio: %d", res.StatusCode)
	}
	if res, _ := get(t, base+"/readyz"); res.StatusCode != 200 {
		t.Fatalf("readyz with S3 up: %d", res.StatusCode)
	}

	srv.Stop()
	// /readyz reuses its last result for a few seconds.
	testwait.Eventually(t, func() bool {
		res, _ := get(t, base+"/readyz")
		return res.StatusCode == 503
	}, "readyz failing in the S3 outage")
	statuses := map[string]int{}
	for _, path := range []string{"/v1/articles/art-1/audio.mp3", "/v1/articles/art-1", "/v1/articles/art-2/audio.mp3",
		"/v1/articles/art-1/download", "/feed.xml", "/readyz"} {
		res, body := get(t, base+path)
		statuses[path] = res.StatusCode
		code := checkJSONError(t, path+" during the outage", res, body, 503)
		if res.Header.Get("Retry-After") == "" || (path != "/readyz" && code != "storage_unavailable") {
			t.Errorf("%s during the outage: code %q, Retry-After %q", path, code, res.Header.Get("Retry-After"))
		}
	}
	if res, _ := get(t, base+"/healthz"); res.StatusCode != 200 {
		t.Errorf("healthz during the outage: %d", res.StatusCode)
	}
	t.Logf("figure: statuses during the S3 outage: %v", statuses)
	if strings.Contains(log.String(), s3test.SecretKey) {
		t.Error("the S3 secret is in the log")
	}

	srv.Start()
	testwait.Eventually(t, func() bool {
		res, _ := get(t, base+"/readyz")
		return res.StatusCode == 200
	}, "readyz ready once S3 is back")
	res, again := get(t, base+"/v1/articles/art-1/audio.mp3")
	if res.StatusCode != 200 || string(again) != string(mp3) {
		t.Fatalf("after recovery: %d, %d bytes (had %d)", res.StatusCode, len(again), len(mp3))
	}
}

// TestSpendingCapServe: with Polly and ECOUTER_MAX_BILLED_CHARS_PER_DAY,
// renders stop at the cap (503 with Retry-After until the next UTC day, a
// metric and one log line), and cached audio keeps being served.
func TestSpendingCapServe(t *testing.T) {
	polly := pollytest.New(t, pollytest.Options{})
	polly.Setenv(t)
	cms := newHostileCMS(t)
	env := cms.env()
	env["ECOUTER_SYNTH"] = "polly"
	env["ECOUTER_MAX_BILLED_CHARS_PER_DAY"] = "60" // one short article (about 35 characters)
	base, log := serveCmd(t, env)

	if res, body := get(t, base+"/v1/articles/art-1/audio.mp3"); res.StatusCode != 200 || len(body) == 0 {
		t.Fatalf("first article: %d %s", res.StatusCode, body)
	}
	refused := 0
	for i := 2; i < 6; i++ {
		res, body := get(t, fmt.Sprintf("%s/v1/articles/art-%d/audio.mp3", base, i))
		if res.StatusCode == 200 {
			continue
		}
		refused++
		if code := checkJSONError(t, "over the cap", res, body, 503); code != "spending_cap" {
			t.Fatalf("over the cap: code %q %s", code, body)
		}
		s, err := strconv.Atoi(res.Header.Get("Retry-After"))
		if err != nil || s < 1 || s > 86400 {
			t.Fatalf("Retry-After %q", res.Header.Get("Retry-After"))
		}
	}
	if refused < 3 || polly.BilledCharacters() > 60 {
		t.Fatalf("%d renders refused, Polly billed %d characters for a cap of 60", refused, polly.BilledCharacters())
	}
	res, body := get(t, base+"/v1/articles/art-1/audio.mp3")
	if res.StatusCode != 200 || res.Header.Get("Accept-Ranges") != "bytes" || len(body) == 0 {
		t.Fatalf("cached audio over the cap: %d", res.StatusCode)
	}
	if n := strings.Count(log.String(), "daily spending cap reached"); n != 1 {
		t.Fatalf("cap logged %d times, want once:\n%s", n, log)
	}
	if v := metric(t, base, "ecouter_spending_cap_reached_total"); v != 1 {
		t.Fatalf("ecouter_spending_cap_reached_total = %v", v)
	}
}
