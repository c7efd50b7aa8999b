package api

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"fmt"
	"image/png"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"ecouter/article"
	"ecouter/feed"
	"ecouter/feed/feedtest"
	"ecouter/internal/testwait"
	"ecouter/render"
	"ecouter/store"
	"ecouter/synth/synthtest"
)

// fakeSource is a mutable set of articles that can list itself.
type fakeSource struct {
	mu       sync.Mutex
	articles map[string]*article.Article
}

func (f *fakeSource) Article(_ context.Context, id string) (*article.Article, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	a, ok := f.articles[id]
	if !ok {
		return nil, fmt.Errorf("%s: %w", id, article.ErrNotFound)
	}
	cp := *a
	cp.ID = id
	return &cp, nil
}

func (f *fakeSource) Recent(_ context.Context, n int, category string) ([]string, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	var ids []string
	for id := range f.articles {
		ids = append(ids, id)
	}
	slices.SortFunc(ids, func(a, b string) int { return f.articles[b].Published.Compare(f.articles[a].Published) })
	return ids[:min(n, len(ids))], nil
}

func (f *fakeSource) set(id string, a *article.Article) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.articles[id] = a
}

func day(d int) time.Time { return time.Date(2026, 3, d, 8, 0, 0, 0, time.UTC) }

func newFakeSource() *fakeSource {
	return &fakeSource{articles: map[string]*article.Article{
		"velo": {Title: "Le vélo gagne : l'enquête « œuvre »", Author: "Paul Girard", Published: day(3),
			URL: "https://www.exemple-actu.fr/velo", Categories: []string{"Société", "Transports"},
			HTML: "<p>La part du vélo progresse. Les élus s'en félicitent.</p><h2>Des pistes</h2><p>Il en faut plus.</p><h2>Le budget</h2><p>Il double.</p>"},
		"tram": {Title: "Le tram", Published: day(2), Categories: []string{"Transports"},
			HTML: "<p>Le tram arrive.</p>"},
		"meteo": {Title: "Météo", Published: day(1), Categories: []string{"Météo"},
			HTML: "<p>Il pleut.</p>"},
		"jamais": {Title: "Jamais rendu", Published: day(4), HTML: "<p>Personne ne l'écoute.</p>"},
	}}
}

const publicURL = "https://audio.exemple-actu.fr"

func feedServer(t *testing.T, src article.Source, fc FeedConfig) (*httptest.Server, *render.Service) {
	t.Helper()
	st, err := store.NewDir(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	cfg := render.DefaultConfig()
	cfg.ArticleTTL = 0
	svc := render.New(src, &synthtest.Fake{PerChar: 5 * time.Millisecond}, st, cfg, log, nil)
	srv := httptest.NewServer(newFor(svc, Config{APIKey: "k", PublicURL: publicURL, Feed: fc, Jobs: localJobs(t, svc)}, log, nil))
	t.Cleanup(func() {
		srv.Close()
		svc.Wait(context.Background())
	})
	return srv, svc
}

func req(t *testing.T, method, u string, body string, hdr ...string) (*http.Response, []byte) {
	t.Helper()
	var r io.Reader
	if body != "" {
		r = strings.NewReader(body)
	}
	rq, err := http.NewRequest(method, u, r)
	if err != nil {
		t.Fatal(err)
	}
	if body != "" {
		rq.Header.Set("Content-Type", "application/json")
	}
	for i := 0; i+1 < len(hdr); i += 2 {
		rq.Header.Set(hdr[i], hdr[i+1])
	}
	res, err := http.DefaultClient.Do(rq)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return res, b
}

// local turns a public URL into the test server's.
func local(srv *httptest.Server, u string) string { return strings.Replace(u, publicURL, srv.URL, 1) }

func renderIDs(t *testing.T, srv *httptest.Server, ids ...string) {
	t.Helper()
	body, _ := json.Marshal(map[string]any{"ids": ids})
	res, b := req(t, "POST", srv.URL+"/v1/render?wait=1", string(body), "Authorization", "Bearer k")
	if res.StatusCode != 200 || strings.Contains(string(b), `"failed"`) {
		t.Fatalf("render %v: %d %s", ids, res.StatusCode, b)
	}
}

func TestFeed(t *testing.T) {
	src := newFakeSource()
	srv, _ := feedServer(t, src, FeedConfig{Config: feed.Config{Title: "L'Écho", Email: "podcast@exemple-actu.fr"}})
	renderIDs(t, srv, "velo", "tram", "meteo")

	res, body := req(t, "GET", srv.URL+"/feed.xml", "")
	if res.StatusCode != 200 || res.Header.Get("Content-Type") != "application/rss+xml; charset=utf-8" {
		t.Fatalf("feed: %d %s", res.StatusCode, res.Header.Get("Content-Type"))
	}
	f, err := feedtest.Check(body, true)
	if err != nil {
		t.Fatalf("%v\n%s", err, body)
	}
	var got []string
	for _, it := range f.Channel.Items {
		got = append(got, it.GUID.Value)
	}
	// Newest article first; never-rendered articles left out.
	if want := []string{"ecouter:velo", "ecouter:tram", "ecouter:meteo"}; !slices.Equal(got, want) {
		t.Fatalf("items %v, want %v", got, want)
	}
	if f.Channel.Self[0].Href != publicURL+"/feed.xml" || f.Channel.Image.Href != publicURL+"/cover.png" {
		t.Fatalf("self %q, image %q", f.Channel.Self[0].Href, f.Channel.Image.Href)
	}
	// The enclosure is what the audio URL serves.
	for _, it := range f.Channel.Items {
		res, mp3 := req(t, "GET", local(srv, it.EnclosureURL()), "")
		if res.StatusCode != 200 || int64(len(mp3)) != it.EnclosureLength() || res.ContentLength != it.EnclosureLength() {
			t.Fatalf("%s: %d, served %d bytes (Content-Length %d), enclosure says %d", it.EnclosureURL(), res.StatusCode, len(mp3), res.ContentLength, it.EnclosureLength())
		}
		res, b := req(t, "GET", local(srv, it.Chapters.URL), "")
		if res.StatusCode != 200 || res.Header.Get("Content-Type") != feed.ChaptersType {
			t.Fatalf("chapters: %d %s %s", res.StatusCode, res.Header.Get("Content-Type"), b)
		}
		if err := feedtest.CheckChapters(b); err != nil {
			t.Fatalf("%s: %v", it.Chapters.URL, err)
		}
	}
	if d := f.Channel.Items[0].Description; !strings.HasPrefix(d, "La part du vélo progresse. Les élus s'en félicitent.") {
		t.Fatalf("description %q", d)
	}

	// Conditional requests.
	etag := res.Header.Get("ETag")
	if r, b := req(t, "GET", srv.URL+"/feed.xml", "", "If-None-Match", etag); r.StatusCode != http.StatusNotModified || len(b) != 0 {
		t.Fatalf("If-None-Match: %d", r.StatusCode)
	}
	if r, _ := req(t, "GET", srv.URL+"/feed.xml", "", "If-Modified-Since", res.Header.Get("Last-Modified")); r.StatusCode != http.StatusNotModified {
		t.Fatalf("If-Modified-Since: %d", r.StatusCode)
	}
	if _, again := req(t, "GET", srv.URL+"/feed.xml", ""); !bytes.Equal(again, body) {
		t.Fatal("the same feed twice gives different bytes")
	}

	// Filters.
	for q, want := range map[string][]string{
		"?category=transports":        {"ecouter:velo", "ecouter:tram"},
		"?category=Soci%C3%A9t%C3%A9": {"ecouter:velo"},
		"?category=sport":             nil,
		"?ids=meteo,velo,jamais":      {"ecouter:velo", "ecouter:meteo"},
	} {
		res, b := req(t, "GET", srv.URL+"/feed.xml"+q, "")
		f, err := feedtest.Check(b, true)
		if res.StatusCode != 200 || err != nil {
			t.Fatalf("%s: %d %v", q, res.StatusCode, err)
		}
		var got []string
		for _, it := range f.Channel.Items {
			got = append(got, it.GUID.Value)
		}
		if !slices.Equal(got, want) {
			t.Errorf("%s: items %v, want %v", q, got, want)
		}
		if f.Channel.GUID == feed.PodcastGUID(publicURL+"/feed.xml") {
			t.Errorf("%s: same podcast:guid as the main feed", q)
		}
	}
	var many []string
	for i := range 60 {
		many = append(many, fmt.Sprint("x", i))
	}
	for _, q := range []string{"?ids=a/b", "?ids=" + strings.Join(many, ",")} {
		if res, b := req(t, "GET", srv.URL+"/feed.xml"+q, ""); res.StatusCode != 400 {
			t.Errorf("%.30s: %d %s, want 400", q, res.StatusCode, b)
		}
	}
}

// TestFeedAfterRerender: a new render changes the enclosure URL and
// length, never the guid.
func TestFeedAfterRerender(t *testing.T) {
	src := newFakeSource()
	srv, _ := feedServer(t, src, FeedConfig{})
	renderIDs(t, srv, "tram")
	_, body := req(t, "GET", srv.URL+"/feed.xml", "")
	before, err := feedtest.Check(body, true)
	if err != nil {
		t.Fatal(err)
	}

	a, _ := src.Article(context.Background(), "tram")
	a.HTML = "<p>Le tram arrive enfin, avec six mois de retard.</p>"
	src.set("tram", a)
	renderIDs(t, srv, "tram")
	_, body = req(t, "GET", srv.URL+"/feed.xml", "")
	after, err := feedtest.Check(body, true)
	if err != nil {
		t.Fatal(err)
	}
	b, a2 := before.Channel.Items[0], after.Channel.Items[0]
	if b.GUID != a2.GUID {
		t.Fatalf("guid changed on re-render: %q -> %q", b.GUID.Value, a2.GUID.Value)
	}
	if b.EnclosureURL() == a2.EnclosureURL() || b.EnclosureLength() == a2.EnclosureLength() {
		t.Fatalf("enclosure unchanged after re-render: %s (%d)", a2.EnclosureURL(), a2.EnclosureLength())
	}
}

func TestCover(t *testing.T) {
	srv, _ := feedServer(t, newFakeSource(), FeedConfig{Config: feed.Config{Title: "Le Courrier de l'Ouest"}})
	res, b := req(t, "GET", srv.URL+"/cover.png", "")
	if res.StatusCode != 200 || res.Header.Get("Content-Type") != "image/png" {
		t.Fatalf("cover: %d %s", res.StatusCode, res.Header.Get("Content-Type"))
	}
	img, err := png.Decode(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	if r := img.Bounds(); r.Dx() != r.Dy() || r.Dx() < 1400 || r.Dx() > 3000 {
		t.Fatalf("cover %v", r)
	}
	if r, _ := req(t, "GET", srv.URL+"/cover.png", "", "If-None-Match", res.Header.Get("ETag")); r.StatusCode != 304 {
		t.Fatalf("cover If-None-Match: %d", r.StatusCode)
	}
}

func TestRenderBatch(t *testing.T) {
	src := newFakeSource()
	srv, svc := feedServer(t, src, FeedConfig{Lister: src})
	cases := []struct {
		body, key string
		want      int
	}{
		{`{"ids":["tram"]}`, "", 401},
		{`{"ids":["tram"]}`, "wrong", 401},
		{`{}`, "k", 400},
		{`{"ids":["a/b"]}`, "k", 400},
		{`{"ids":["a"],"recent":2}`, "k", 400},
		{`{"recent":1000}`, "k", 400},
		{`not json`, "k", 400},
	}
	for _, c := range cases {
		res, b := req(t, "POST", srv.URL+"/v1/render", c.body, "Authorization", "Bearer "+c.key)
		if res.StatusCode != c.want || !strings.Contains(string(b), `"error"`) {
			t.Errorf("%s: %d %s, want %d", c.body, res.StatusCode, b, c.want)
		}
	}
	res, b := req(t, "POST", srv.URL+"/v1/render", `{"recent":2}`, "Authorization", "Bearer k")
	var out struct{ Articles []batchResult }
	if err := json.Unmarshal(b, &out); err != nil || res.StatusCode != 202 || len(out.Articles) != 2 || out.Articles[0].ID != "jamais" {
		t.Fatalf("recent 2: %d %s", res.StatusCode, b)
	}
	for _, id := range []string{"jamais", "velo"} {
		testwait.Eventually(t, func() bool {
			_, err := svc.Archive().Manifest(context.Background(), id)
			return err == nil
		}, "%s rendered by the background batch", id)
	}
	res, b = req(t, "POST", srv.URL+"/v1/render?wait=1", `{"ids":["meteo","inconnu"]}`, "Authorization", "Bearer k")
	json.Unmarshal(b, &out)
	if res.StatusCode != 200 || out.Articles[0].Status != "ready" || out.Articles[1].Status != "failed" || out.Articles[1].Error != "article not found" {
		t.Fatalf("wait: %d %s", res.StatusCode, b)
	}

	// A source that cannot list.
	srv2, _ := feedServer(t, src, FeedConfig{})
	if res, b := req(t, "POST", srv2.URL+"/v1/render", `{"recent":2}`, "Authorization", "Bearer k"); res.StatusCode != 400 {
		t.Fatalf("recent without a lister: %d %s", res.StatusCode, b)
	}
}

// Podcast apps ask for gzip: they get the same feed, compressed once, with
// its own validator.
func TestFeedGzip(t *testing.T) {
	src := newFakeSource()
	srv, _ := feedServer(t, src, FeedConfig{})
	renderIDs(t, srv, "velo", "tram")
	_, plain := req(t, "GET", srv.URL+"/feed.xml", "", "Accept-Encoding", "identity")
	res, zipped := req(t, "GET", srv.URL+"/feed.xml", "", "Accept-Encoding", "gzip")
	// With its length, as any static file: not chunked (no sendfile).
	if res.Header.Get("Content-Encoding") != "gzip" || !strings.Contains(res.Header.Get("Vary"), "Accept-Encoding") ||
		res.ContentLength != int64(len(zipped)) || len(res.TransferEncoding) != 0 {
		t.Fatalf("gzip feed headers: %v", res.Header)
	}
	zr, err := gzip.NewReader(bytes.NewReader(zipped))
	if err != nil {
		t.Fatal(err)
	}
	unzipped, err := io.ReadAll(zr)
	if err != nil || !bytes.Equal(unzipped, plain) || len(zipped) >= len(plain)/3 {
		t.Fatalf("gzip feed: %d bytes for %d, same content %v, %v", len(zipped), len(plain), bytes.Equal(unzipped, plain), err)
	}
	etag := res.Header.Get("ETag")
	if r, _ := req(t, "GET", srv.URL+"/feed.xml", "", "Accept-Encoding", "gzip", "If-None-Match", etag); r.StatusCode != 304 {
		t.Fatalf("gzip If-None-Match: %d", r.StatusCode)
	}
	if r, _ := req(t, "GET", srv.URL+"/feed.xml", "", "Accept-Encoding", "identity", "If-None-Match", etag); r.StatusCode != 200 {
		t.Fatalf("the gzip ETag validated the plain feed: %d", r.StatusCode)
	}
}
