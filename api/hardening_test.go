package api

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"ecouter/render"
	"ecouter/store"
	"ecouter/synth/synthtest"
)

// hardServer runs the API over a fake engine, any article existing, with
// cfg and the store st (a fresh folder when nil).
func hardServer(t *testing.T, cfg Config, st store.Store) (*httptest.Server, *synthtest.Fake) {
	t.Helper()
	if st == nil {
		d, err := store.NewDir(t.TempDir())
		if err != nil {
			t.Fatal(err)
		}
		st = d
	}
	syn := &synthtest.Fake{}
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	svc := render.New(oneArticle{}, syn, st, render.DefaultConfig(), log, nil)
	cfg.Jobs = localJobs(t, svc)
	srv := httptest.NewServer(newFor(svc, cfg, log, nil))
	t.Cleanup(func() { srv.Close(); svc.Wait(context.Background()) })
	return srv, syn
}

// hcall is req without a body.
func hcall(t *testing.T, method, url string, hdr ...string) (*http.Response, []byte) {
	t.Helper()
	return req(t, method, url, "", hdr...)
}

// jsonError checks that an error answer is {"error", "code"} JSON.
func jsonError(t *testing.T, what string, res *http.Response, body []byte) errorBody {
	t.Helper()
	var e errorBody
	if !strings.HasPrefix(res.Header.Get("Content-Type"), "application/json") || json.Unmarshal(body, &e) != nil || e.Error == "" || e.Code == "" {
		t.Fatalf("%s: %d %s %q is not a JSON error", what, res.StatusCode, res.Header.Get("Content-Type"), body)
	}
	return e
}

func TestRedactQuery(t *testing.T) {
	cases := map[string]string{
		"/v1/articles/a/audio.mp3":                              "/v1/articles/a/audio.mp3",
		"/feed.xml?category=tech&api_key=s3cret":                "/feed.xml?category=tech&api_key=REDACTED",
		"/x?key=1&token=2&Signature=3&X-Amz-Credential=4&ok=5":  "/x?key=REDACTED&token=REDACTED&Signature=REDACTED&X-Amz-Credential=REDACTED&ok=5",
		"/x?access%5Ftoken=s3cret&ids=a,b":                      "/x?access%5Ftoken=REDACTED&ids=a,b",
		"/x?password":                                           "/x?password",
		"/v1/articles/a/render?wait=1&auth=Bearer%20s3cret&v=2": "/v1/articles/a/render?wait=1&auth=REDACTED&v=2",
	}
	for in, want := range cases {
		if got := redactQuery(in); got != want {
			t.Errorf("redactQuery(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestBearerSchemeCaseInsensitive(t *testing.T) {
	srv, _ := hardServer(t, Config{APIKey: "k"}, nil)
	for _, auth := range []string{"Bearer k", "bearer k", "BEARER k", "  Bearer   k "} {
		res, body := hcall(t, "POST", srv.URL+"/v1/articles/a/render", "Authorization", auth)
		if res.StatusCode != http.StatusAccepted {
			t.Errorf("%q: %d %s", auth, res.StatusCode, body)
		}
	}
	for _, auth := range []string{"Basic k", "Bearerk", "k", "Bearer x"} {
		res, body := hcall(t, "POST", srv.URL+"/v1/articles/a/render", "Authorization", auth)
		if res.StatusCode != http.StatusUnauthorized {
			t.Errorf("%q: %d %s", auth, res.StatusCode, body)
		}
		jsonError(t, auth, res, body)
	}
}

// TestRangesNeverAmplified asks for the stored file in hostile ways: the
// answer is never bigger than the file, and every refusal is JSON.
func TestRangesNeverAmplified(t *testing.T) {
	srv, _ := hardServer(t, Config{}, nil)
	url := srv.URL + "/v1/articles/a/audio.mp3"
	hcall(t, "GET", url) // renders (streamed)
	res, mp3 := hcall(t, "GET", url)
	if res.StatusCode != 200 || len(mp3) < 1000 {
		t.Fatalf("stored audio: %d, %d bytes", res.StatusCode, len(mp3))
	}
	var many []string
	for i := range 12000 {
		many = append(many, fmt.Sprintf("%d-%d", i%len(mp3), i%len(mp3)))
	}
	var distinct []string
	for i := range 12000 {
		distinct = append(distinct, fmt.Sprintf("%d-%d", 2*i, 2*i))
	}
	for _, h := range []string{"bytes=" + strings.Join(many, ","), "bytes=" + strings.Join(distinct[:200], ","),
		"bytes=0-100,50-150", "bytes=0-,0-", "items=0-5", "bytes 0-5"} {
		res, body := hcall(t, "GET", url, "Range", h)
		if res.StatusCode != 200 || len(body) != len(mp3) {
			t.Errorf("Range %.40q: %d with %d bytes, want the whole file (%d bytes)", h, res.StatusCode, len(body), len(mp3))
		}
	}
	res, body := hcall(t, "GET", url, "Range", "bytes=0-0,2-2,4-4")
	if res.StatusCode != http.StatusPartialContent || len(body) > 1000 {
		t.Errorf("3 ranges: %d, %d bytes", res.StatusCode, len(body))
	}
	for _, h := range []string{"bytes=-0", fmt.Sprintf("bytes=%d-", len(mp3)), "bytes=9-3", "bytes=x-"} {
		res, body := hcall(t, "GET", url, "Range", h)
		if res.StatusCode != http.StatusRequestedRangeNotSatisfiable || res.Header.Get("Content-Range") != fmt.Sprintf("bytes */%d", len(mp3)) {
			t.Errorf("Range %q: %d, Content-Range %q; want 416 with bytes */%d", h, res.StatusCode, res.Header.Get("Content-Range"), len(mp3))
		}
		jsonError(t, h, res, body)
	}
	// Preconditions still come first.
	etag := res.Header.Get("ETag")
	if res, _ := hcall(t, "GET", url, "Range", "bytes=-0", "If-None-Match", etag); etag != "" && res.StatusCode != http.StatusNotModified {
		t.Errorf("If-None-Match with an unsatisfiable range: %d, want 304", res.StatusCode)
	}
	if res, body := hcall(t, "HEAD", url, "Range", "bytes=-0"); res.StatusCode != 416 || len(body) != 0 {
		t.Errorf("HEAD 416: %d, %d bytes", res.StatusCode, len(body))
	}
}

// TestEveryErrorIsJSON walks error answers of every kind, and checks the
// headers every answer carries.
func TestEveryErrorIsJSON(t *testing.T) {
	srv, _ := hardServer(t, Config{AllowedOrigins: []string{"https://www.exemple.fr"}}, nil)
	for _, c := range []struct {
		method, path string
		status       int
	}{
		{"GET", "/nowhere", 404},
		{"GET", "/v1/articles/a/nothing", 404},
		{"PATCH", "/v1/articles/a", 405}, // DELETE is the withdrawal
		{"POST", "/healthz", 405},
		{"GET", "/v1/articles/a%2Fb", 400},
		{"GET", "/v1/articles/" + strings.Repeat("a", 101), 400},
		{"POST", "/v1/articles/a/render", 403},
		{"GET", "/player.js?x", 416},
	} {
		res, body := hcall(t, c.method, srv.URL+c.path, "Range", "bytes=999999-")
		if res.StatusCode != c.status {
			t.Errorf("%s %s: %d %s, want %d", c.method, c.path, res.StatusCode, body, c.status)
		}
		if c.status >= 400 {
			jsonError(t, c.method+" "+c.path, res, body)
		}
		if res.Header.Get("X-Content-Type-Options") != "nosniff" || res.Header.Get("Referrer-Policy") == "" {
			t.Errorf("%s %s: headers %v", c.method, c.path, res.Header)
		}
	}
	res, _ := hcall(t, "GET", srv.URL+"/demo/a")
	csp := res.Header.Get("Content-Security-Policy")
	for _, want := range []string{"script-src 'self'", "media-src 'self'", "default-src 'none'", "frame-ancestors https://www.exemple.fr"} {
		if !strings.Contains(csp, want) {
			t.Errorf("demo CSP %q lacks %q", csp, want)
		}
	}
	if res.Header.Get("X-Content-Type-Options") != "nosniff" {
		t.Errorf("demo: no nosniff")
	}
}

// TestRawHTTPErrorsAreJSON sends what net/http refuses before any handler
// runs, through Listener.
func TestRawHTTPErrorsAreJSON(t *testing.T) {
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	srv := httptest.NewUnstartedServer(New(nil, Config{}, log, nil))
	srv.Listener = Listener(srv.Listener)
	srv.Start()
	defer srv.Close()
	for _, line := range []string{"GET /v1/articles/%zz/audio.mp3 HTTP/1.1", "GET /% HTTP/1.1", "BROKEN"} {
		c, err := net.Dial("tcp", srv.Listener.Addr().String())
		if err != nil {
			t.Fatal(err)
		}
		fmt.Fprintf(c, "%s\r\nHost: x\r\n\r\n", line)
		c.SetReadDeadline(time.Now().Add(10 * time.Second))
		raw, _ := io.ReadAll(c)
		c.Close()
		head, body, _ := strings.Cut(string(raw), "\r\n\r\n")
		var e errorBody
		if !strings.HasPrefix(head, "HTTP/1.1 400 ") || !strings.Contains(head, "Content-Type: application/json") ||
			!strings.Contains(head, "Content-Length: "+strconv.Itoa(len(body))) || json.Unmarshal([]byte(body), &e) != nil || e.Code != "bad_request" {
			t.Errorf("%q answered %q", line, raw)
		}
	}
}

// TestListenBudget: beyond the per-client budget, a listen that would start
// a render gets 429 with Retry-After; stored audio is still served, and
// another client has its own budget. Behind a trusted proxy the client is
// the first untrusted X-Forwarded-For address.
func TestListenBudget(t *testing.T) {
	_, proxy, _ := net.ParseCIDR("127.0.0.0/8")
	srv, syn := hardServer(t, Config{ListenRendersPerMinute: 2, TrustedProxies: []*net.IPNet{proxy}}, nil)
	from := func(ip string) []string { return []string{"X-Forwarded-For", ip} }
	get := func(id, ip string) (*http.Response, []byte) {
		return hcall(t, "GET", srv.URL+"/v1/articles/"+id+"/audio.mp3", from(ip)...)
	}
	for _, id := range []string{"a1", "a2"} {
		if res, body := get(id, "203.0.113.7"); res.StatusCode != 200 {
			t.Fatalf("%s within the budget: %d %s", id, res.StatusCode, body)
		}
	}
	calls := syn.Calls()
	for _, path := range []string{"a3/audio.mp3", "a4/download", "a5/transcript.vtt"} {
		res, body := hcall(t, "GET", srv.URL+"/v1/articles/"+path, from("198.51.100.1, 203.0.113.7")...)
		if e := jsonError(t, path, res, body); res.StatusCode != 429 || e.Code != "rate_limited" {
			t.Fatalf("%s beyond the budget: %d %s", path, res.StatusCode, body)
		}
		if s, err := strconv.Atoi(res.Header.Get("Retry-After")); err != nil || s < 1 || s > 60 {
			t.Fatalf("Retry-After %q", res.Header.Get("Retry-After"))
		}
	}
	if syn.Calls() != calls {
		t.Fatalf("refused listens synthesised %d sentences", syn.Calls()-calls)
	}
	// Stored audio costs nothing and is served, many times.
	for range 5 {
		if res, _ := get("a1", "203.0.113.7"); res.StatusCode != 200 {
			t.Fatalf("stored audio beyond the budget: %d", res.StatusCode)
		}
	}
	// Another client, and the same spoofing client behind an untrusted hop.
	if res, body := get("a3", "203.0.113.8"); res.StatusCode != 200 {
		t.Fatalf("another client: %d %s", res.StatusCode, body)
	}
	// Unknown-article lookups and bad IDs do not spend the budget.
	if res, _ := get("a6", "203.0.113.9"); res.StatusCode != 200 {
		t.Fatal("fresh client refused")
	}
}

// TestNoListenRenders: with ECOUTER_RENDER_ON_LISTEN=false a listener gets
// 404 not_rendered and the manifest says the player must wait; rendered
// articles are served.
func TestNoListenRenders(t *testing.T) {
	srv, syn := hardServer(t, Config{NoListenRenders: true, APIKey: "k"}, nil)
	for _, path := range []string{"audio.mp3", "download", "transcript.vtt"} {
		res, body := hcall(t, "GET", srv.URL+"/v1/articles/a/"+path)
		if e := jsonError(t, path, res, body); res.StatusCode != 404 || e.Code != "not_rendered" {
			t.Fatalf("%s: %d %s", path, res.StatusCode, body)
		}
	}
	if syn.Calls() != 0 {
		t.Fatalf("a listen synthesised %d sentences", syn.Calls())
	}
	_, body := hcall(t, "GET", srv.URL+"/v1/articles/a")
	if !strings.Contains(string(body), `"render_on_listen":false`) {
		t.Fatalf("manifest: %s", body)
	}
	if res, body := hcall(t, "POST", srv.URL+"/v1/articles/a/render?wait=1", "Authorization", "Bearer k"); res.StatusCode != 200 {
		t.Fatalf("render: %d %s", res.StatusCode, body)
	}
	if res, _ := hcall(t, "GET", srv.URL+"/v1/articles/a/audio.mp3"); res.StatusCode != 200 || res.Header.Get("Accept-Ranges") != "bytes" {
		t.Fatalf("rendered audio: %d", res.StatusCode)
	}
}

// brokenStore fails like a storage that is down, from a switch.
type brokenStore struct {
	store.Store
	down bool
}

func (b *brokenStore) fail() error {
	return fmt.Errorf("disk: %w: no space left on device", store.ErrUnavailable)
}
func (b *brokenStore) Open(ctx context.Context, k string) (store.Blob, error) {
	if b.down {
		return nil, b.fail()
	}
	return b.Store.Open(ctx, k)
}
func (b *brokenStore) Stat(ctx context.Context, k string) (store.Info, error) {
	if b.down {
		return store.Info{}, b.fail()
	}
	return b.Store.Stat(ctx, k)
}
func (b *brokenStore) List(ctx context.Context, p string) ([]store.Info, error) {
	if b.down {
		return nil, b.fail()
	}
	return b.Store.List(ctx, p)
}
func (b *brokenStore) Put(ctx context.Context, k string, r io.Reader) error {
	if b.down {
		return b.fail()
	}
	return b.Store.Put(ctx, k, r)
}

func TestStorageFailureIs503(t *testing.T) {
	d, err := store.NewDir(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	st := &brokenStore{Store: d}
	srv, syn := hardServer(t, Config{Ready: []Check{{"store", func(ctx context.Context) error { return store.Ping(ctx, st) }}}}, st)
	st.down = true
	for _, path := range []string{"/v1/articles/a/audio.mp3", "/v1/articles/a", "/v1/articles/a/download", "/feed.xml", "/readyz"} {
		res, body := hcall(t, "GET", srv.URL+path)
		e := jsonError(t, path, res, body)
		if res.StatusCode != 503 || res.Header.Get("Retry-After") == "" || (path != "/readyz" && e.Code != "storage_unavailable") {
			t.Errorf("%s with the store down: %d %s Retry-After %q", path, res.StatusCode, body, res.Header.Get("Retry-After"))
		}
	}
	if syn.Calls() != 0 {
		t.Fatalf("%d sentences synthesised while the store is down", syn.Calls())
	}
	if res, _ := hcall(t, "GET", srv.URL+"/healthz"); res.StatusCode != 200 {
		t.Fatalf("healthz is liveness: %d", res.StatusCode)
	}
}

// fullDisk fails the writes under prefix like a full disk, and counts them.
type fullDisk struct {
	store.Store
	prefix string
	puts   atomic.Int32
}

func (f *fullDisk) Put(ctx context.Context, k string, r io.Reader) error {
	if strings.HasPrefix(k, f.prefix) {
		f.puts.Add(1)
		io.Copy(io.Discard, r)
		return fmt.Errorf("put %s: %w: write: no space left on device", k, store.ErrUnavailable)
	}
	return f.Store.Put(ctx, k, r)
}

// TestFullDiskBacksOff: a render that cannot be stored fails, leaves no
// file, and is not run again for the next listeners within the back-off
// (503 with Retry-After), while the sentence cache failing alone never
// fails a render.
func TestFullDiskBacksOff(t *testing.T) {
	d, err := store.NewDir(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	st := &fullDisk{Store: d, prefix: "articles/"}
	srv, syn := hardServer(t, Config{}, st)
	url := srv.URL + "/v1/articles/a/audio.mp3"
	first, err := http.Get(url)
	if err == nil {
		io.ReadAll(first.Body) // cut when the store refuses the file
		first.Body.Close()
	}
	calls := syn.Calls()
	if calls == 0 {
		t.Fatal("no render ran")
	}
	for _, path := range []string{"audio.mp3", "download", "transcript.vtt"} {
		for range 5 {
			res, body := hcall(t, "GET", srv.URL+"/v1/articles/a/"+path)
			e := jsonError(t, path, res, body)
			s, _ := strconv.Atoi(res.Header.Get("Retry-After"))
			if res.StatusCode != 503 || e.Code != "render_failed" || s < 1 || s > int(firstBackoff.Seconds()) {
				t.Fatalf("%s within the back-off: %d %s, Retry-After %q", path, res.StatusCode, body, res.Header.Get("Retry-After"))
			}
		}
	}
	if syn.Calls() != calls || st.puts.Load() != 1 {
		t.Fatalf("re-render storm: %d sentences synthesised, %d puts; want %d, 1", syn.Calls(), st.puts.Load(), calls)
	}
	if infos, _ := d.List(context.Background(), "articles/"); len(infos) != 0 {
		t.Fatalf("a failed render left %v", infos)
	}

	// The sentence cache is best effort.
	d2, _ := store.NewDir(t.TempDir())
	srv2, _ := hardServer(t, Config{}, &fullDisk{Store: d2, prefix: "sentences/"})
	hcall(t, "GET", srv2.URL+"/v1/articles/a/audio.mp3")
	if res, body := hcall(t, "GET", srv2.URL+"/v1/articles/a"); res.StatusCode != 200 || !strings.Contains(string(body), `"ready"`) {
		t.Fatalf("render with a failing sentence cache: %d %s", res.StatusCode, body)
	}
}

func TestBackoffGrows(t *testing.T) {
	b := newBackoff()
	now := time.Date(2026, 3, 2, 8, 0, 0, 0, time.UTC)
	var got []time.Duration
	for range 8 {
		b.failed("a", now)
		got = append(got, b.wait("a", now))
	}
	want := []time.Duration{15 * time.Second, 30 * time.Second, time.Minute, 2 * time.Minute, 4 * time.Minute, 8 * time.Minute, 10 * time.Minute, 10 * time.Minute}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("back-off %v, want %v", got, want)
	}
	b.succeeded("a")
	if b.wait("a", now) != 0 {
		t.Fatal("a success keeps the back-off")
	}
}

type spent struct{ until time.Time }

func (s spent) Exhausted() (time.Time, bool) { return s.until, true }

// TestSpendingCapRefusesNewRenders: once the day's cap is spent, a listen
// that would start a render gets 503 until the next UTC day; stored audio
// is served.
func TestSpendingCapRefusesNewRenders(t *testing.T) {
	d, _ := store.NewDir(t.TempDir())
	srv, _ := hardServer(t, Config{}, d)
	hcall(t, "GET", srv.URL+"/v1/articles/old/audio.mp3") // rendered before the cap
	until := time.Now().Add(90 * time.Minute)
	srv2, syn := hardServer(t, Config{Budget: spent{until}}, d)
	res, body := hcall(t, "GET", srv2.URL+"/v1/articles/new/audio.mp3")
	s, _ := strconv.Atoi(res.Header.Get("Retry-After"))
	if e := jsonError(t, "capped", res, body); res.StatusCode != 503 || e.Code != "spending_cap" || s < 80*60 || s > 90*60 {
		t.Fatalf("over the cap: %d %s Retry-After %q", res.StatusCode, body, res.Header.Get("Retry-After"))
	}
	if res, _ := hcall(t, "GET", srv2.URL+"/v1/articles/old/audio.mp3"); res.StatusCode != 200 {
		t.Fatalf("stored audio over the cap: %d", res.StatusCode)
	}
	if syn.Calls() != 0 {
		t.Fatalf("%d sentences synthesised over the cap", syn.Calls())
	}
}
