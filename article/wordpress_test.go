package article

import (
	"context"
	"errors"
	"net/http"
	"os"
	"strings"
	"testing"
)

func TestWordPress(t *testing.T) {
	fixture, err := os.ReadFile("testdata/wordpress/post.json")
	if err != nil {
		t.Fatal(err)
	}
	srv, _ := serve(t, func(w http.ResponseWriter, r *http.Request) {
		switch {
		case r.URL.Path != "/blog/wp-json/wp/v2/posts/4812":
			http.NotFound(w, r)
		case !r.URL.Query().Has("_embed"):
			http.Error(w, "want _embed", http.StatusBadRequest)
		case r.UserAgent() != "ecouter/1":
			http.Error(w, "want User-Agent ecouter/1, got "+r.UserAgent(), http.StatusBadRequest)
		default:
			w.Header().Set("Content-Type", "application/json; charset=UTF-8")
			w.Write(fixture)
		}
	})
	wp := NewWordPress(srv.URL+"/blog/", srv.Client())
	a, err := wp.Article(context.Background(), "4812")
	if err != nil {
		t.Fatal(err)
	}
	checkWordPressFixture(t, a)

	if _, err := wp.Article(context.Background(), "4813"); !errors.Is(err, ErrNotFound) {
		t.Errorf("other post: got %v, want ErrNotFound", err)
	}
}

func TestWordPressFailures(t *testing.T) {
	for _, f := range failures {
		t.Run(f.name, func(t *testing.T) {
			srv, _ := serve(t, f.handler)
			// Credentials in the base URL must not leak into errors.
			base := strings.Replace(srv.URL, "http://", "http://editor:s3cret@", 1)
			_, err := NewWordPress(base, srv.Client()).Article(context.Background(), "42")
			if !errors.Is(err, f.want) {
				t.Fatalf("got %v, want %v", err, f.want)
			}
			if msg := err.Error(); !strings.Contains(msg, f.text) || strings.Contains(msg, "s3cret") {
				t.Errorf("error %q should contain %q and no password", msg, f.text)
			}
		})
	}
}

func TestWordPressSendsBasicAuth(t *testing.T) {
	srv, _ := serve(t, func(w http.ResponseWriter, r *http.Request) {
		if u, p, ok := r.BasicAuth(); !ok || u != "editor" || p != "s3cret" {
			http.Error(w, "no", http.StatusUnauthorized)
			return
		}
		w.Write([]byte(`{"title":{"rendered":"Priv&eacute;"}}`))
	})
	base := strings.Replace(srv.URL, "http://", "http://editor:s3cret@", 1)
	a, err := NewWordPress(base, srv.Client()).Article(context.Background(), "1")
	if err != nil {
		t.Fatal(err)
	}
	if a.Title != "Privé" {
		t.Errorf("title %q, want Privé", a.Title)
	}
}

func TestWordPressSlow(t *testing.T) {
	srv, _ := serve(t, slowHandler)
	checkSlow(t, NewWordPress(srv.URL, srv.Client()))
}

func TestWordPressInvalidIDMakesNoRequest(t *testing.T) {
	srv, n := serve(t, status(http.StatusOK, `{"title":"x"}`))
	wp := NewWordPress(srv.URL, srv.Client())
	for _, id := range []string{"../users", "1?context=edit", "%2e%2e", ""} {
		if _, err := wp.Article(context.Background(), id); !errors.Is(err, ErrInvalidID) {
			t.Errorf("Article(%q) = %v, want ErrInvalidID", id, err)
		}
	}
	if got := n.Load(); got != 0 {
		t.Errorf("server saw %d requests, want 0", got)
	}
}
