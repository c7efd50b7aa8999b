package article

import (
	"context"
	"errors"
	"net/http"
	"os"
	"strings"
	"testing"
)

func TestHTTP(t *testing.T) {
	fixture, err := os.ReadFile("testdata/wordpress/post.json")
	if err != nil {
		t.Fatal(err)
	}
	srv, _ := serve(t, func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Query().Get("key") != "s3cret" || r.UserAgent() != "ecouter/1" {
			http.Error(w, "forbidden", http.StatusForbidden)
			return
		}
		switch r.URL.Path {
		case "/api/articles/breve-1.json":
			w.Write([]byte(`{"title":"Brève","author":"Rédaction","published":"2025-06-03T08:00:00+02:00",
				"url":"https://www.exemple-actu.fr/breve-1","text":"Une phrase.\n\nUne autre.","categories":["Faits divers"]}`))
		case "/api/articles/4812.json":
			w.Write(fixture)
		default:
			http.NotFound(w, r)
		}
	})
	src := NewHTTP(srv.URL+"/api/articles/{id}.json?key=s3cret", srv.Client())

	a, err := src.Article(context.Background(), "breve-1")
	if err != nil {
		t.Fatal(err)
	}
	if a.ID != "breve-1" || a.Title != "Brève" || a.Author != "Rédaction" || len(TextBlocks(a.Text)) != 2 ||
		a.Published.UTC().Hour() != 6 || len(a.Categories) != 1 {
		t.Errorf("simple form: got %+v", *a)
	}

	a, err = src.Article(context.Background(), "4812")
	if err != nil {
		t.Fatal(err)
	}
	checkWordPressFixture(t, a)

	if _, err := src.Article(context.Background(), "nope"); !errors.Is(err, ErrNotFound) {
		t.Errorf("missing article: got %v, want ErrNotFound", err)
	}
}

func TestHTTPFailures(t *testing.T) {
	for _, f := range failures {
		t.Run(f.name, func(t *testing.T) {
			srv, _ := serve(t, f.handler)
			_, err := NewHTTP(srv.URL+"/a/{id}?token=s3cret", srv.Client()).Article(context.Background(), "42")
			if !errors.Is(err, f.want) {
				t.Fatalf("got %v, want %v", err, f.want)
			}
			if msg := err.Error(); !strings.Contains(msg, f.text) || strings.Contains(msg, "s3cret") {
				t.Errorf("error %q should contain %q and no token", msg, f.text)
			}
		})
	}
}

func TestHTTPSlow(t *testing.T) {
	srv, _ := serve(t, slowHandler)
	checkSlow(t, NewHTTP(srv.URL+"/{id}?token=s3cret", srv.Client()))
}

func TestHTTPInvalidIDMakesNoRequest(t *testing.T) {
	srv, n := serve(t, status(http.StatusOK, `{"title":"x"}`))
	src := NewHTTP(srv.URL+"/{id}", srv.Client())
	for _, id := range []string{"a/b", "../etc", "a b", "%41"} {
		if _, err := src.Article(context.Background(), id); !errors.Is(err, ErrInvalidID) {
			t.Errorf("Article(%q) = %v, want ErrInvalidID", id, err)
		}
	}
	if got := n.Load(); got != 0 {
		t.Errorf("server saw %d requests, want 0", got)
	}
}
