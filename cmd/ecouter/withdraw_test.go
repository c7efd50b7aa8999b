package main

import (
	"archive/zip"
	"bytes"
	"encoding/json"
	"errors"
	"io/fs"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"ecouter/internal/testwait"
)

// A withdrawn article answers 410 "withdrawn" on every route, at once and
// after a restart, leaves the feed and ZIP downloads, and comes back with a
// POST render.
func TestWithdrawal(t *testing.T) {
	env := map[string]string{"ECOUTER_ARTICLES": "dir:" + articleDir(t), "ECOUTER_STORE": t.TempDir()}
	srv := service(t, env)
	base := srv.URL
	for _, id := range []string{"court", "autre"} {
		if res, body := get(t, base+"/v1/articles/"+id+"/audio.mp3"); res.StatusCode != 200 {
			t.Fatalf("render %s: %d %s", id, res.StatusCode, body)
		}
	}
	res, _ := get(t, base+"/v1/articles/court")
	if res.Header.Get("Cache-Tag") != "ecouter-court" || res.Header.Get("Surrogate-Key") != "ecouter-court" {
		t.Errorf("manifest: Cache-Tag %q, Surrogate-Key %q", res.Header.Get("Cache-Tag"), res.Header.Get("Surrogate-Key"))
	}
	if _, feed := get(t, base+"/feed.xml"); !bytes.Contains(feed, []byte("ecouter:court")) {
		t.Fatal("court is not in the feed before its withdrawal")
	}

	if res, _ := do(t, http.MethodDelete, base+"/v1/articles/court"); res.StatusCode != http.StatusUnauthorized {
		t.Errorf("DELETE without the key: %d", res.StatusCode)
	}
	if res, body := do(t, http.MethodDelete, base+"/v1/articles/court", "Authorization", "Bearer "+testKey); res.StatusCode != 200 {
		t.Fatalf("DELETE: %d %s", res.StatusCode, body)
	}
	// An ID neither the source nor the store knows: 404, nothing recorded.
	res, body := do(t, http.MethodDelete, base+"/v1/articles/jamais-vu", "Authorization", "Bearer "+testKey)
	var e struct{ Code string }
	if res.StatusCode != http.StatusNotFound || json.Unmarshal(body, &e) != nil || e.Code != "not_found" {
		t.Errorf("DELETE of an unknown ID: %d %s, want 404 not_found", res.StatusCode, body)
	}
	if _, err := os.Stat(filepath.Join(env["ECOUTER_STORE"], "articles", "jamais-vu")); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("stored for an unknown ID: %v", err)
	}
	gone := func(base string) {
		t.Helper()
		for _, route := range []string{"", "/audio.mp3", "/download", "/transcript.vtt", "/chapters.json", "/script"} {
			res, body := get(t, base+"/v1/articles/court"+route)
			var e struct{ Code, Status string }
			if res.StatusCode != http.StatusGone || json.Unmarshal(body, &e) != nil || e.Code != "withdrawn" {
				t.Errorf("GET court%s after DELETE: %d %s, want 410 withdrawn", route, res.StatusCode, body)
			}
			if route == "" && e.Status != "withdrawn" {
				t.Errorf("manifest after DELETE: %s, want status withdrawn", body)
			}
			if res.Header.Get("Cache-Tag") != "ecouter-court" {
				t.Errorf("GET court%s after DELETE: no Cache-Tag", route)
			}
		}
		if _, feed := get(t, base+"/feed.xml"); bytes.Contains(feed, []byte("ecouter:court")) || !bytes.Contains(feed, []byte("ecouter:autre")) {
			t.Errorf("feed after DELETE:\n%s", feed)
		}
		res, body := get(t, base+"/v1/downloads?ids=court,autre")
		zr, err := zip.NewReader(bytes.NewReader(body), int64(len(body)))
		if res.StatusCode != 200 || err != nil || len(zr.File) != 1 || strings.Contains(zr.File[0].Name, "place du marché") {
			t.Errorf("ZIP of court and autre after DELETE: %d %v", res.StatusCode, err)
		}
	}
	gone(base)

	// A restart keeps it withdrawn.
	srv2 := service(t, env)
	gone(srv2.URL)

	// Published again: POST render brings it back.
	if res, body := do(t, http.MethodPost, srv2.URL+"/v1/articles/court/render?wait=1", "Authorization", "Bearer "+testKey); res.StatusCode != 200 {
		t.Fatalf("POST render: %d %s", res.StatusCode, body)
	}
	if res, _ := get(t, srv2.URL+"/v1/articles/court/audio.mp3"); res.StatusCode != 200 {
		t.Fatalf("audio after POST render: %d", res.StatusCode)
	}

	// What the WordPress plugin does: the hook without wait (through the
	// durable queue), a withdrawal, and the hook again for the same text.
	// The second job must not be dropped as a duplicate of the first.
	ready := func(what string) {
		t.Helper()
		testwait.Eventually(t, func() bool {
			_, body := get(t, srv2.URL+"/v1/articles/court")
			return bytes.Contains(body, []byte(`"status":"ready"`))
		}, "court ready after the %s", what)
	}
	hook := func() {
		t.Helper()
		if res, body := do(t, http.MethodPost, srv2.URL+"/v1/articles/court/render", "Authorization", "Bearer "+testKey); res.StatusCode != http.StatusAccepted {
			t.Fatalf("POST render (queued): %d %s", res.StatusCode, body)
		}
	}
	hook()
	ready("queued render")
	// The first hook's job done before the withdrawal (one still queued or
	// running across it is dropped or cut: TestWithdrawalInterleaved).
	testwait.Eventually(t, func() bool {
		_, body := do(t, http.MethodGet, srv2.URL+"/v1/jobs", "Authorization", "Bearer "+testKey)
		var st struct{ Queued, Running int }
		return json.Unmarshal(body, &st) == nil && st.Queued == 0 && st.Running == 0
	}, "the first hook's job finished")
	if res, body := do(t, http.MethodDelete, srv2.URL+"/v1/articles/court", "Authorization", "Bearer "+testKey); res.StatusCode != http.StatusOK && res.StatusCode != http.StatusNoContent {
		t.Fatalf("DELETE: %d %s", res.StatusCode, body)
	}
	hook()
	ready("queued render after a withdrawal")
}
