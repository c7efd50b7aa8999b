package article

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
)

func TestWordPress(t *testing.T) {
	fixture, err := os.ReadFile("testdata/wordpress/post.json")
	if err != nil {
		t.Fatal(err)
	}
	srv, _ := serve(t, func(w http.ResponseWriter, r *http.Request) {
		switch {
		case r.URL.Path == "/blog/wp-json/":
			w.Write([]byte(`{"name":"Exemple"}`))
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

// plainSite is a WordPress with plain permalinks: /wp-json/ is its HTML
// "not found" page, the API answers at /?rest_route=. Post 4812 is
// published, 4813 a draft (WordPress answers 401), 4814 private to another
// role (403); any other post does not exist.
func plainSite(t *testing.T) (*httptest.Server, *atomic.Int32) {
	t.Helper()
	return plainSiteHome(t, false)
}

// plainSiteHome is plainSite, with every path that is not the API
// answered by the home page (200) if home, as on a server that sends
// every path to WordPress.
func plainSiteHome(t *testing.T, home bool) (*httptest.Server, *atomic.Int32) {
	t.Helper()
	fixture, err := os.ReadFile("testdata/wordpress/post.json")
	if err != nil {
		t.Fatal(err)
	}
	return serve(t, func(w http.ResponseWriter, r *http.Request) {
		route, ok := wpRoute(r, true)
		switch {
		case !ok && home:
			w.Write([]byte(`<!DOCTYPE html><title>Le Quotidien</title>`))
		case !ok:
			w.WriteHeader(http.StatusNotFound)
			w.Write([]byte(`<!DOCTYPE html><title>Page non trouvée</title>`))
		case route == "/":
			w.Write([]byte(`{"name":"Exemple"}`))
		case route == "/wp/v2/posts/4812" && r.URL.Query().Has("_embed"):
			w.Write(fixture)
		case route == "/wp/v2/posts/4813":
			w.WriteHeader(http.StatusUnauthorized)
			w.Write([]byte(`{"code":"rest_forbidden","message":"Désolé, vous n’avez pas l’autorisation de faire cela.","data":{"status":401}}`))
		case route == "/wp/v2/posts/4814":
			w.WriteHeader(http.StatusForbidden)
			w.Write([]byte(`{"code":"rest_forbidden","data":{"status":403}}`))
		default:
			w.WriteHeader(http.StatusNotFound)
			w.Write([]byte(`{"code":"rest_post_invalid_id","data":{"status":404}}`))
		}
	})
}

func TestWordPressPlainPermalinks(t *testing.T) {
	for _, base := range []string{"", "/?rest_route=", "/?rest_route=/", "home"} {
		t.Run("base"+base, func(t *testing.T) {
			srv, n := plainSiteHome(t, base == "home")
			base = strings.TrimPrefix(base, "home")
			wp := NewWordPress(srv.URL+base, srv.Client())
			a, err := wp.Article(context.Background(), "4812")
			if err != nil {
				t.Fatal(err)
			}
			checkWordPressFixture(t, a)
			// Found once: the probe of /wp-json/ is not repeated.
			probes := n.Load()
			if _, err := wp.Article(context.Background(), "4812"); err != nil {
				t.Fatal(err)
			}
			if got := n.Load() - probes; got != 1 {
				t.Errorf("second article took %d requests, want 1", got)
			}
			if base != "" && probes != 1 {
				t.Errorf("with a ?rest_route= base the first article took %d requests, want 1 (no probe)", probes)
			}
			if _, err := wp.Article(context.Background(), "99"); !errors.Is(err, ErrNotFound) || errors.Is(err, ErrNotPublic) {
				t.Errorf("missing post: got %v, want ErrNotFound", err)
			}
		})
	}
}

// A draft, trashed or private post is not public: WordPress answers 401 (or
// 403), which is "not found" to a listener, never "source unavailable".
// A post the ecouter plugin excludes from audio is ErrExcluded, which is
// also ErrNotFound (so stored audio is withdrawn) and not ErrUnavailable
// (which would keep serving it), from either HTTP source.
func TestWordPressExcluded(t *testing.T) {
	fixture, err := os.ReadFile("testdata/wordpress/post.json")
	if err != nil {
		t.Fatal(err)
	}
	for _, excluded := range []bool{false, true} {
		body := strings.Replace(string(fixture), "{", fmt.Sprintf(`{"ecouter":{"excluded":%t},`, excluded), 1)
		srv, _ := serve(t, func(w http.ResponseWriter, r *http.Request) {
			if r.URL.Path == "/wp-json/" {
				w.Write([]byte(`{"name":"Exemple"}`))
				return
			}
			w.Write([]byte(body))
		})
		for name, src := range map[string]Source{
			"wordpress": NewWordPress(srv.URL, srv.Client()),
			"http":      NewHTTP(srv.URL+"/posts/{id}", srv.Client()),
		} {
			_, err := src.Article(context.Background(), "4812")
			if !excluded {
				if err != nil {
					t.Errorf("%s, not excluded: %v", name, err)
				}
				continue
			}
			if !errors.Is(err, ErrExcluded) || !errors.Is(err, ErrNotFound) || errors.Is(err, ErrUnavailable) {
				t.Errorf("%s, excluded: got %v, want ErrExcluded (and so ErrNotFound), not ErrUnavailable", name, err)
			}
		}
		// A post object saved in a folder says the same.
		dir := t.TempDir()
		if err := os.WriteFile(filepath.Join(dir, "4812.json"), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
		if _, err := NewDir(os.DirFS(dir)).Article(context.Background(), "4812"); excluded != errors.Is(err, ErrExcluded) || errors.Is(err, ErrUnavailable) {
			t.Errorf("dir, excluded %t: got %v", excluded, err)
		}
	}
}

func TestWordPressNotPublic(t *testing.T) {
	srv, _ := plainSite(t)
	wp := NewWordPress(srv.URL, srv.Client())
	for _, id := range []string{"4813", "4814"} {
		_, err := wp.Article(context.Background(), id)
		if !errors.Is(err, ErrNotPublic) || !errors.Is(err, ErrNotFound) || errors.Is(err, ErrUnavailable) {
			t.Errorf("post %s: got %v, want ErrNotPublic (and so ErrNotFound)", id, err)
		}
	}
}

// A site that closes its /wp-json/ index to visitors keeps /wp-json/ for
// posts; one that cannot be reached is asked again next time.
func TestWordPressProbe(t *testing.T) {
	var down atomic.Bool
	down.Store(true)
	srv, _ := serve(t, func(w http.ResponseWriter, r *http.Request) {
		switch {
		case down.Load():
			http.Error(w, "maintenance", http.StatusServiceUnavailable)
		case r.URL.Path == "/wp-json/":
			http.Error(w, `{"code":"rest_cannot_access"}`, http.StatusUnauthorized)
		case r.URL.Path == "/wp-json/wp/v2/posts/7":
			w.Write([]byte(`{"title":{"rendered":"Sept"}}`))
		default:
			http.NotFound(w, r)
		}
	})
	wp := NewWordPress(srv.URL, srv.Client())
	if _, err := wp.Article(context.Background(), "7"); !errors.Is(err, ErrUnavailable) {
		t.Fatalf("site down: got %v, want ErrUnavailable", err)
	}
	down.Store(false)
	a, err := wp.Article(context.Background(), "7")
	if err != nil || a.Title != "Sept" {
		t.Fatalf("after the site is back: %v %v", a, err)
	}
}
