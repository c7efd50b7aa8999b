package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"ecouter/cluster/natstest"
	"ecouter/internal/testwait"
)

// A withdrawal stays withdrawn: POST render (queued or waited for) and
// DELETE of a few articles, interleaved at random over the nodes, each call
// answered before the next, end in the state the last call asked for, on
// every route, in the feed and in the store. Renders still queued, waiting
// for a retry or running when a DELETE lands must not bring the audio back.
//
// The figure of the closing note: go test -run TestWithdrawalInterleaved
// -v ./cmd/ecouter/ logs how many rounds end in the wrong state.
func TestWithdrawalInterleaved(t *testing.T) {
	t.Run("OneNode", func(t *testing.T) {
		src, st := interleaveArticles(t), t.TempDir()
		srv := service(t, interleaveEnv(src, st, nil))
		interleave(t, []string{srv.URL}, st)
	})
	// `ecouter serve` alone, its queue and events in process.
	t.Run("OneNodeNATSOff", func(t *testing.T) {
		src, st := interleaveArticles(t), t.TempDir()
		vars := []string{"ECOUTER_API_KEY=" + testKey, "ECOUTER_NATS=off"}
		for k, v := range interleaveEnv(src, st, nil) {
			vars = append(vars, k+"="+v)
		}
		interleave(t, []string{startProc(t, vars).base}, st)
	})
	t.Run("ThreeNodes", func(t *testing.T) {
		src, st := interleaveArticles(t), t.TempDir()
		interleave(t, threeNodes(t, interleaveEnv(src, st, nil)), st)
	})
}

// threeNodes starts three `ecouter serve` processes, as deployed (nodes in
// one process would share their NATS client's ID prefix), on a three-node
// NATS cluster; env names the store they share. It returns their URLs.
func threeNodes(t *testing.T, env map[string]string) []string {
	nats := natstest.Start(t, 3)
	var bases []string
	for i := range 3 {
		// Each node first tries its own NATS server.
		urls := append([]string{nats.URLs[i]}, nats.URLs...)
		vars := []string{"ECOUTER_API_KEY=" + testKey, "ECOUTER_NATS_DIR=" + t.TempDir(),
			"ECOUTER_NATS_URL=" + strings.Join(urls, ","), "ECOUTER_NATS_REPLICAS=3"}
		for k, v := range env {
			vars = append(vars, k+"="+v)
		}
		bases = append(bases, startProc(t, vars).base)
	}
	return bases
}

const (
	interleaveArticleCount = 10
	interleaveWaves        = 5 // rounds: articles x waves
)

func interleaveEnv(src, st string, more map[string]string) map[string]string {
	env := map[string]string{
		"ECOUTER_ARTICLES": "dir:" + src, "ECOUTER_STORE": st,
		"ECOUTER_QUEUE_ATTEMPTS": "3", "ECOUTER_QUEUE_BACKOFF": "200ms",
		"ECOUTER_LISTEN_RENDERS_PER_MINUTE": "0",
	}
	for k, v := range more {
		env[k] = v
	}
	return env
}

// interleaveArticles writes short articles w0, w1…: a render is quick, and
// its sentences are cached after the first.
func interleaveArticles(t *testing.T) string {
	dir := t.TempDir()
	for i := range interleaveArticleCount {
		b, _ := json.Marshal(map[string]string{
			"title": fmt.Sprintf("Brève %d", i),
			"text":  fmt.Sprintf("Le conseil municipal vote le budget numéro %d. La séance est publique.", i),
		})
		if err := os.WriteFile(filepath.Join(dir, fmt.Sprintf("w%d.json", i)), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func interleave(t *testing.T, bases []string, st string) {
	auth := []string{"Authorization", "Bearer " + testKey}
	wrong, rounds := 0, 0
	for wave := range interleaveWaves {
		last := make([]string, interleaveArticleCount) // "render" or "withdraw"
		calls := make([][]string, interleaveArticleCount)
		var wg sync.WaitGroup
		for i := range interleaveArticleCount {
			wg.Add(1)
			go func() {
				defer wg.Done()
				rng := rand.New(rand.NewPCG(uint64(wave), uint64(i)))
				id := fmt.Sprintf("w%d", i)
				for range 2 + rng.IntN(5) {
					node := rng.IntN(len(bases))
					base := bases[node]
					switch r := rng.IntN(8); {
					case r < 4:
						last[i] = "withdraw"
						if res, body := do(t, http.MethodDelete, base+"/v1/articles/"+id, auth...); res.StatusCode != http.StatusOK {
							t.Errorf("DELETE %s: %d %s", id, res.StatusCode, body)
						}
					case r < 7:
						last[i] = "render"
						if res, body := do(t, http.MethodPost, base+"/v1/articles/"+id+"/render", auth...); res.StatusCode != http.StatusAccepted {
							t.Errorf("POST render %s: %d %s", id, res.StatusCode, body)
						}
					default:
						last[i] = "render"
						if res, body := do(t, http.MethodPost, base+"/v1/articles/"+id+"/render?wait=1", auth...); res.StatusCode != http.StatusOK {
							t.Errorf("POST render?wait=1 %s: %d %s", id, res.StatusCode, body)
						}
					}
					calls[i] = append(calls[i], fmt.Sprintf("%s@%d", last[i], node))
					// Calls a CMS makes one after the other, at random gaps.
					time.Sleep(time.Duration(rng.IntN(150)) * time.Millisecond)
				}
			}()
		}
		wg.Wait()
		settle(t, bases[0])
		for i, want := range last {
			rounds++
			id := fmt.Sprintf("w%d", i)
			if problems := endState(t, bases, st, id, want); len(problems) > 0 {
				wrong++
				t.Logf("wave %d, %s, calls %s: %s", wave, id, strings.Join(calls[i], " "), strings.Join(problems, "; "))
			}
		}
	}
	t.Logf("%d of %d rounds ended in the wrong state", wrong, rounds)
	if wrong > 0 {
		t.Errorf("%d of %d rounds ended in the wrong state", wrong, rounds)
	}
}

// settle waits until no job is queued, waiting for a retry or running.
func settle(t *testing.T, base string) {
	t.Helper()
	// Three empty answers in a row: a job waiting for its retry shows
	// between them.
	quiet := 0
	var body []byte
	testwait.Eventually(t, func() bool {
		_, body = do(t, http.MethodGet, base+"/v1/jobs", "Authorization", "Bearer "+testKey)
		var q struct{ Queued, Running int }
		if err := json.Unmarshal(body, &q); err != nil {
			t.Fatalf("GET /v1/jobs: %s", body)
		}
		if q.Queued == 0 && q.Running == 0 {
			quiet++
		} else {
			quiet = 0
		}
		return quiet >= 3
	}, "the render queue empty (last: %s)", &body)
}

// endState lists how the article's state differs from what the last call
// asked for, on every node.
func endState(t *testing.T, bases []string, st, id, want string) []string {
	var problems []string
	routes := []string{"", "/audio.mp3", "/download", "/transcript.vtt", "/chapters.json", "/script"}
	for n, base := range bases {
		// The manifest first: it never starts a render, so a wrong state
		// is reported as it is.
		res, body := get(t, base+"/v1/articles/"+id)
		var m struct{ Status, Code string }
		_ = json.Unmarshal(body, &m)
		switch {
		case want == "withdraw" && (res.StatusCode != http.StatusGone || m.Status != "withdrawn"):
			problems = append(problems, fmt.Sprintf("node %d: manifest %d %s", n, res.StatusCode, m.Status))
			continue
		case want == "render" && (res.StatusCode != http.StatusOK || m.Status != "ready"):
			problems = append(problems, fmt.Sprintf("node %d: manifest %d %s", n, res.StatusCode, m.Status))
			continue
		}
		for _, route := range routes[1:] {
			res, body := get(t, base+"/v1/articles/"+id+route)
			_ = json.Unmarshal(body, &m)
			if want == "withdraw" && (res.StatusCode != http.StatusGone || m.Code != "withdrawn") ||
				want == "render" && res.StatusCode != http.StatusOK {
				problems = append(problems, fmt.Sprintf("node %d: %s %d %.80s", n, route, res.StatusCode, body))
			}
		}
		_, feed := get(t, base+"/feed.xml")
		if in := bytes.Contains(feed, []byte("ecouter:"+id+"<")); in != (want == "render") {
			problems = append(problems, fmt.Sprintf("node %d: in the feed: %t", n, in))
		}
	}
	files, _ := filepath.Glob(filepath.Join(st, "articles", id, "*"))
	var manifest, mp3 bool
	for _, f := range files {
		manifest = manifest || filepath.Base(f) == "manifest.json"
		mp3 = mp3 || filepath.Ext(f) == ".mp3"
	}
	if manifest != (want == "render") || mp3 != (want == "render") {
		problems = append(problems, fmt.Sprintf("store: manifest %t, MP3 %t", manifest, mp3))
	}
	return problems
}
