package article

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// serve starts a test server that counts requests.
func serve(t *testing.T, h http.HandlerFunc) (*httptest.Server, *atomic.Int32) {
	t.Helper()
	var n atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n.Add(1)
		h(w, r)
	}))
	t.Cleanup(srv.Close)
	return srv, &n
}

// failures are the ways a source's server can fail, shared by the
// WordPress and HTTP source tests.
var failures = []struct {
	name    string
	handler http.HandlerFunc
	want    error
	text    string // the error must say this
}{
	{"404", status(http.StatusNotFound, `{"code":"rest_post_invalid_id"}`), ErrNotFound, "status 404"},
	{"410", status(http.StatusGone, ``), ErrNotFound, "status 410"},
	{"500", status(http.StatusInternalServerError, `oops`), ErrUnavailable, "status 500"},
	{"503", status(http.StatusServiceUnavailable, ``), ErrUnavailable, "status 503"},
	{"401", status(http.StatusUnauthorized, `{"code":"rest_forbidden"}`), ErrNotPublic, "status 401"},
	{"403", status(http.StatusForbidden, ``), ErrNotFound, "status 403"},
	{"304", status(http.StatusNotModified, ``), ErrUnavailable, "status 304"},
	{"invalid json", status(http.StatusOK, `<!DOCTYPE html><p>Maintenance</p>`), ErrUnavailable, "decode article json"},
	{"json without title", status(http.StatusOK, `{"code":"x"}`), ErrUnavailable, "title"},
	{"too large", func(w http.ResponseWriter, r *http.Request) {
		w.Write([]byte(`{"title":"x","text":"`))
		chunk := []byte(strings.Repeat("a", 1<<20))
		for range 11 {
			if _, err := w.Write(chunk); err != nil {
				return
			}
		}
	}, ErrUnavailable, "over 10 MiB"},
}

func status(code int, body string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(code)
		w.Write([]byte(body))
	}
}

// slowHandler answers nothing until the client gives up.
func slowHandler(w http.ResponseWriter, r *http.Request) {
	select {
	case <-r.Context().Done():
	case <-time.After(time.Minute):
	}
}

// checkSlow checks that a source gives up when ctx expires, promptly, with
// an error that is both ErrUnavailable and the context's.
func checkSlow(t *testing.T, src Source) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, err := src.Article(ctx, "42")
	if !errors.Is(err, ErrUnavailable) || !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("slow server: got %v, want ErrUnavailable and context.DeadlineExceeded", err)
	}
	if err != nil && strings.Contains(err.Error(), "s3cret") {
		t.Errorf("error %q shows a credential", err)
	}
	if took := time.Since(start); took > 30*time.Second { // the server waits a minute
		t.Errorf("slow server: gave up after %v", took)
	}
}

func TestFetchClosedServer(t *testing.T) {
	srv := httptest.NewServer(http.NotFoundHandler())
	srv.Close()
	_, err := fetchJSON(context.Background(), newClient(), srv.URL+"/x")
	if !errors.Is(err, ErrUnavailable) {
		t.Errorf("got %v, want ErrUnavailable", err)
	}
}

func TestRedactURL(t *testing.T) {
	tests := map[string]string{
		"https://user:pa55@api.exemple.fr/v1/a/42?key=s3cret#frag": "https://api.exemple.fr/v1/a/42",
		"http://h:8080/wp-json/wp/v2/posts/7?_embed":               "http://h:8080/wp-json/wp/v2/posts/7",
		"https://h/{id}.json?k={id}":                               "https://h/{id}.json",
		"file:///tmp/{id}":                                         "file:///tmp/{id}",
		"editor:s3cret@exemple.fr":                                 "editor:…",
		"://bad":                                                   "(unparsable URL)",
	}
	for in, want := range tests {
		if got := redactURLString(in); got != want {
			t.Errorf("redactURLString(%q) = %q, want %q", in, got, want)
		}
	}
}

// A source that does not answer in time is a timeout (504 to clients),
// still unavailable (stored audio is served meanwhile).
func TestSourceTimeout(t *testing.T) {
	release := make(chan struct{})
	srv, _ := serve(t, func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-r.Context().Done():
		case <-release:
		}
	})
	defer close(release)
	client := &http.Client{Timeout: 50 * time.Millisecond}
	_, err := fetchJSON(context.Background(), client, srv.URL+"/a.json")
	if !errors.Is(err, ErrTimeout) || !errors.Is(err, ErrUnavailable) {
		t.Fatalf("hung source: %v, want ErrTimeout and ErrUnavailable", err)
	}
	down, _ := serve(t, status(http.StatusBadGateway, ``))
	if _, err := fetchJSON(context.Background(), client, down.URL+"/a.json"); errors.Is(err, ErrTimeout) {
		t.Fatalf("a failing source reported as a timeout: %v", err)
	}
}
