package article

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
)

// TestRedirectsStayOnTheSource checks the redirect policy of the sources
// Parse builds: same scheme, host (and for WordPress, path) only, at most
// three hops; an off-host target is never requested.
func TestRedirectsStayOnTheSource(t *testing.T) {
	var elsewhere atomic.Int32
	other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		elsewhere.Add(1)
		w.Write([]byte(`{"title":"Secret interne","text":"Ne doit pas être lu."}`))
	}))
	defer other.Close()

	post := `{"title":{"rendered":"Titre"},"content":{"rendered":"<p>Texte.</p>"}}`
	cms := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p := r.URL.Path
		switch {
		case strings.HasSuffix(p, "/posts/1"): // moved within the site
			http.Redirect(w, r, "/site/wp-json/wp/v2/posts/101?_embed", http.StatusMovedPermanently)
		case strings.HasSuffix(p, "/posts/101"):
			w.Write([]byte(post))
		case strings.HasSuffix(p, "/posts/2"): // another host
			http.Redirect(w, r, other.URL+"/internal?token=s3cret", http.StatusFound)
		case strings.HasSuffix(p, "/posts/3"): // same host, outside the base path
			http.Redirect(w, r, "/admin/secret.json", http.StatusFound)
		case strings.Contains(p, "/posts/4"): // a loop: 4, 4x, 4xx...
			http.Redirect(w, r, r.URL.Path+"x", http.StatusFound)
		case strings.HasSuffix(p, "/posts/5"): // same host name, other port
			http.Redirect(w, r, other.URL+"/x", http.StatusFound)
		default:
			http.NotFound(w, r)
		}
	}))
	defer cms.Close()

	src, err := Parse("wordpress:"+cms.URL+"/site", nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if a, err := src.Article(ctx, "1"); err != nil || a.Title != "Titre" {
		t.Fatalf("redirect within the site: %v, %v", a, err)
	}
	for _, id := range []string{"2", "3", "4", "5"} {
		_, err := src.Article(ctx, id)
		if !errors.Is(err, ErrRedirect) || !errors.Is(err, ErrUnavailable) {
			t.Errorf("post %s: got %v, want a refused redirect (ErrUnavailable)", id, err)
		}
		if err != nil && strings.Contains(err.Error(), "s3cret") {
			t.Errorf("post %s: error shows the target's query: %v", id, err)
		}
	}
	if _, err := src.Article(ctx, "2"); err == nil || !strings.Contains(err.Error(), other.URL+"/internal") {
		t.Errorf("the refused target should be named for the log: %v", err)
	}
	if n := elsewhere.Load(); n != 0 {
		t.Fatalf("the other host was requested %d times", n)
	}

	// The http: source keeps to its host, below its template's folder.
	hs, err := Parse("http:"+cms.URL+"/site/wp-json/wp/v2/posts/{id}", nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	if a, err := hs.Article(ctx, "1"); err != nil || a.Title != "Titre" {
		t.Errorf("http source, redirect below its folder: %v, %v", a, err)
	}
	if _, err := hs.Article(ctx, "3"); !errors.Is(err, ErrRedirect) {
		t.Errorf("http source, same host outside its folder: got %v, want ErrRedirect", err)
	}
	if _, err := hs.Article(ctx, "2"); !errors.Is(err, ErrRedirect) {
		t.Errorf("http source, other host: got %v, want ErrRedirect", err)
	}
	if n := elsewhere.Load(); n != 0 {
		t.Fatalf("the other host was requested %d times", n)
	}
}

// A base URL without a path does not open the whole host: WordPress's
// redirects stay in its REST API (/wp-json/, ?rest_route=), a JSON
// source's in the shape of its template (one segment for {id}). Both
// used to follow a redirect to any path of the host.
func TestRedirectsWithoutBasePath(t *testing.T) {
	var off atomic.Int32
	post := `{"title":{"rendered":"Titre"},"content":{"rendered":"<p>Texte.</p>"}}`
	cms := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p, route := r.URL.Path, r.URL.Query().Get("rest_route")
		switch {
		case p == "/wp-json/" || route == "/": // the API's index
			w.Write([]byte(`{"name":"Site"}`))
		case strings.HasSuffix(p, "/posts/1"):
			http.Redirect(w, r, "/wp-json/wp/v2/posts/101?_embed", http.StatusMovedPermanently)
		case strings.HasSuffix(p, "/posts/2"):
			http.Redirect(w, r, "/?rest_route=/wp/v2/posts/101&_embed", http.StatusMovedPermanently)
		case strings.HasSuffix(p, "/posts/101"), route == "/wp/v2/posts/101", p == "/101.json":
			w.Write([]byte(post))
		case strings.HasSuffix(p, "/posts/3"), p == "/3.json":
			http.Redirect(w, r, "/admin/secret.json", http.StatusFound)
		case strings.HasSuffix(p, "/posts/4"), p == "/4.json":
			http.Redirect(w, r, "/", http.StatusFound)
		case strings.HasSuffix(p, "/posts/5"):
			http.Redirect(w, r, "/private.php?rest_route=/x", http.StatusFound)
		case p == "/1.json":
			http.Redirect(w, r, "/101.json", http.StatusMovedPermanently)
		case p == "/admin/secret.json", p == "/", p == "/private.php":
			off.Add(1)
			w.Write([]byte(`{"title":"Secret","text":"Ne doit pas être lu."}`))
		default:
			http.NotFound(w, r)
		}
	}))
	defer cms.Close()
	ctx := context.Background()
	for _, tc := range []struct {
		spec      string
		ok, refus []string
	}{
		{"wordpress:" + cms.URL, []string{"1", "2"}, []string{"3", "4", "5"}},
		{"http:" + cms.URL + "/{id}.json", []string{"1"}, []string{"3", "4"}},
	} {
		src, err := Parse(tc.spec, nil, nil)
		if err != nil {
			t.Fatal(err)
		}
		for _, id := range tc.ok {
			if a, err := src.Article(ctx, id); err != nil || a.Title != "Titre" {
				t.Errorf("%s, article %s: %v, %v", tc.spec, id, a, err)
			}
		}
		for _, id := range tc.refus {
			if _, err := src.Article(ctx, id); !errors.Is(err, ErrRedirect) {
				t.Errorf("%s, article %s: got %v, want a refused redirect", tc.spec, id, err)
			}
		}
	}
	if n := off.Load(); n != 0 {
		t.Fatalf("pages outside the API were requested %d times", n)
	}
}
