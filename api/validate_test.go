package api

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
)

// TestInvalidIDRefusedFirst: every route with an article ID answers 400
// invalid_id to an ID that cannot name an article, before the key check,
// the source, the store or the cluster see it.
func TestInvalidIDRefusedFirst(t *testing.T) {
	srv, syn := hardServer(t, Config{APIKey: "k"}, nil)
	for _, id := range []string{strings.Repeat("a", 4100), "a.b", "a*", "%3E"} {
		art := srv.URL + "/v1/articles/" + id
		for _, r := range []struct{ method, url string }{
			{"GET", art}, {"GET", art + "/audio.mp3"}, {"HEAD", art + "/audio.mp3"},
			{"GET", art + "/transcript.vtt"}, {"GET", art + "/script"}, {"GET", art + "/chapters.json"},
			{"GET", art + "/download"}, {"HEAD", art + "/download"},
			{"POST", art + "/render"}, {"DELETE", art}, {"GET", srv.URL + "/demo/" + id}, // an HTML page
		} {
			// No key: the ID is refused before the key is asked for.
			res, body := hcall(t, r.method, r.url)
			if res.StatusCode != http.StatusBadRequest {
				t.Errorf("%s %.60s: %d, want 400", r.method, r.url, res.StatusCode)
				continue
			}
			if r.method != "HEAD" && !strings.Contains(r.url, "/demo/") {
				if e := jsonError(t, r.url, res, body); e.Code != "invalid_id" {
					t.Errorf("%s %.60s: code %q", r.method, r.url, e.Code)
				}
			}
		}
	}
	if n := syn.Calls(); n != 0 {
		t.Fatalf("%d engine calls for invalid IDs", n)
	}
}

// TestHealthzFailsWhenLost: /healthz answers 503 once a Live check fails
// (NATS closed for good), so the process is restarted, not left serving
// half of the service.
func TestHealthzFailsWhenLost(t *testing.T) {
	var lost atomic.Bool
	srv, _ := hardServer(t, Config{Live: []Check{{Name: "nats", Check: func(context.Context) error {
		if lost.Load() {
			return errors.New("closed")
		}
		return nil
	}}}}, nil)
	if res, body := hcall(t, "GET", srv.URL+"/healthz"); res.StatusCode != http.StatusOK {
		t.Fatalf("healthz: %d %s", res.StatusCode, body)
	}
	lost.Store(true)
	res, body := hcall(t, "GET", srv.URL+"/healthz")
	if res.StatusCode != http.StatusServiceUnavailable || jsonError(t, "healthz", res, body).Code != "unhealthy" {
		t.Fatalf("healthz with NATS lost: %d %s", res.StatusCode, body)
	}
}
