package api

import (
	"context"
	"io"
	"log/slog"
	"net/http/httptest"
	"strconv"
	"testing"
	"time"

	"ecouter/feed/feedtest"
	"ecouter/render"
	"ecouter/store"
	"ecouter/synth/synthtest"
)

// The length a feed lists for an enclosure is the length served at its
// URL, before and after a re-render, and when the re-render was made by
// another process sharing the store (this one still remembering the old
// render within its TTL).
func TestEnclosureLengthIsTheServedLength(t *testing.T) {
	st, err := store.NewDir(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	src := newFakeSource()
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	cfg := render.DefaultConfig()
	cfg.ArticleTTL = time.Hour
	newService := func() *render.Service {
		return render.New(src, &synthtest.Fake{PerChar: 5 * time.Millisecond}, st, cfg, log, nil)
	}
	svc, other := newService(), newService()
	srv := httptest.NewServer(newFor(svc, Config{APIKey: "k", PublicURL: publicURL}, log, nil))
	t.Cleanup(func() {
		srv.Close()
		svc.Wait(context.Background())
		other.Wait(context.Background())
	})
	enclosure := func() (string, int64) {
		t.Helper()
		_, body := req(t, "GET", srv.URL+"/feed.xml", "")
		f, err := feedtest.Check(body, true)
		if err != nil || len(f.Channel.Items) != 1 {
			t.Fatalf("feed: %v", err)
		}
		it := f.Channel.Items[0]
		return local(srv, it.EnclosureURL()), it.EnclosureLength()
	}
	served := func(u string) int64 {
		t.Helper()
		res, body := req(t, "GET", u, "")
		head, _ := req(t, "HEAD", u, "")
		n, _ := strconv.ParseInt(head.Header.Get("Content-Length"), 10, 64)
		if res.StatusCode != 200 || n != int64(len(body)) {
			t.Fatalf("GET %s: %d, %d bytes, HEAD says %d", u, res.StatusCode, len(body), n)
		}
		return n
	}

	renderIDs(t, srv, "tram")
	u1, n1 := enclosure()
	if got := served(u1); got != n1 {
		t.Fatalf("first render: feed lists %d bytes, URL serves %d", n1, got)
	}
	edit := func(html string) {
		a, _ := src.Article(context.Background(), "tram")
		a.HTML = html
		src.set("tram", a)
	}
	// Edited and re-rendered as a CMS does on update; the feed may still
	// list the first render for a while.
	edit("<p>Le tram arrive enfin, avec six mois de retard sur le calendrier.</p>")
	if res, b := req(t, "POST", srv.URL+"/v1/articles/tram/render?wait=1", "", "Authorization", "Bearer k"); res.StatusCode != 200 {
		t.Fatalf("re-render: %d %s", res.StatusCode, b)
	}
	if u, n := enclosure(); served(u) != n {
		t.Fatalf("after the re-render: feed lists %d bytes at %s, URL serves %d", n, u, served(u))
	}
	// Re-rendered again by another process sharing the store: this one
	// still remembers the second render within its TTL.
	edit("<p>Le tram arrive enfin, avec six mois de retard. La ligne ouvre lundi.</p>")
	m3, err := other.Ensure(context.Background(), "tram", render.Options{Force: true, Wait: true})
	if err != nil {
		t.Fatal(err)
	}
	u3 := srv.URL + "/v1/articles/tram/audio.mp3?v=" + m3.Key[:16]
	if got := served(u3); got != m3.Size {
		t.Fatalf("newest version: manifest says %d bytes, URL serves %d", m3.Size, got)
	}
	// A reader of the old feed still gets the old bytes while they are kept.
	if got := served(u1); got != n1 {
		t.Fatalf("old enclosure: feed listed %d bytes, URL serves %d", n1, got)
	}
}
