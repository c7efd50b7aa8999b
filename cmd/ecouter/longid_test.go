package main

import (
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"

	"ecouter/cluster/natstest"
	"ecouter/internal/testwait"
)

// TestHostileIDKeepsNATS is issue 19's attack: one GET with an article ID
// of 4,100 characters made the cluster open a lease watch whose subject
// passed the NATS server's control-line limit; the server closed the
// connection, nats.go never reopened it, and from then on every render,
// POST render and /v1/jobs answered 503 while /healthz said 200. Now every
// route refuses the ID with 400 before anything touches it, and the node
// goes on rendering: on the embedded NATS and on a nats-server process.
func TestHostileIDKeepsNATS(t *testing.T) {
	for _, tc := range []struct {
		name string
		url  func(t *testing.T) string
	}{
		{"embedded", func(*testing.T) string { return "" }},
		{"process", func(t *testing.T) string { return natstest.Process(t) }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cms := newHostileCMS(t)
			env := cms.env()
			env["ECOUTER_NATS_URL"] = tc.url(t)
			base, log := serveCmd(t, env)
			auth := []string{"Authorization", "Bearer " + testKey}
			for _, id := range []string{strings.Repeat("a", 4100), "a.*", "x>"} {
				art := base + "/v1/articles/" + id
				for _, r := range []struct{ method, url string }{
					{"GET", art + "/audio.mp3"}, {"HEAD", art + "/audio.mp3"}, {"GET", art},
					{"GET", art + "/transcript.vtt"}, {"GET", art + "/script"}, {"GET", art + "/chapters.json"},
					{"GET", art + "/download"}, {"HEAD", art + "/download"}, {"POST", art + "/render"},
					{"POST", art + "/render?wait=1"}, {"DELETE", art}, {"GET", base + "/demo/" + id},
					{"GET", base + "/v1/downloads?ids=" + id}, {"GET", base + "/feed.xml?ids=" + id},
				} {
					res, body := do(t, r.method, r.url, auth...)
					if res.StatusCode != http.StatusBadRequest {
						t.Errorf("%s %.80s: %d %.200s, want 400", r.method, r.url, res.StatusCode, body)
					}
				}
				for _, path := range []string{"/v1/render", "/v1/jobs/retry"} {
					res, body := post(t, base+path, `{"ids":["`+id+`"]}`, auth...)
					if res.StatusCode != http.StatusBadRequest {
						t.Errorf("POST %s: %d %.200s, want 400", path, res.StatusCode, body)
					}
				}
			}

			for _, path := range []string{"/healthz", "/readyz", "/v1/jobs"} {
				if res, body := get(t, base+path, auth...); res.StatusCode != http.StatusOK {
					t.Fatalf("%s after the hostile IDs: %d %s\n%s", path, res.StatusCode, body, log)
				}
			}
			if res, body := get(t, base+"/v1/articles/art-1/audio.mp3"); res.StatusCode != http.StatusOK {
				t.Fatalf("first listen after the hostile IDs: %d %.200s\n%s", res.StatusCode, body, log)
			}
			if res, body := do(t, "POST", base+"/v1/articles/art-2/render", auth...); res.StatusCode != http.StatusAccepted {
				t.Fatalf("POST render after the hostile IDs: %d %s", res.StatusCode, body)
			}
			testwait.Eventually(t, func() bool {
				_, body := get(t, base+"/v1/articles/art-2")
				var v struct{ Status string }
				return json.Unmarshal(body, &v) == nil && v.Status == "ready"
			}, "the queued render ready\n%s", log)
			if strings.Contains(log.String(), "NATS connection closed") {
				t.Fatalf("NATS connection lost:\n%s", log)
			}
		})
	}
}

// post sends body as JSON.
func post(t *testing.T, url, body string, hdr ...string) (*http.Response, []byte) {
	t.Helper()
	req, err := http.NewRequest("POST", url, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	res, err := http.DefaultClient.Do(req)
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
