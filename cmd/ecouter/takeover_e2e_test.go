package main

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"

	"ecouter/internal/testwait"
)

// listenersDuringTakeover is issue 19's 500 "the render was taken over:
// no live stream": the owner of a render is killed (kill -9) mid-render;
// first listens on the other nodes during the takeover, and on the owner
// once restarted, get the audio (streamed, or the stored file once the
// render taken over is stored) or a 503 with Retry-After, never a 500. A
// listener who was hearing the dead owner's stream may be cut.
func listenersDuringTakeover(t *testing.T, procs []*proc, news *newsroom, spoken func(text string) int, auth []string) {
	const id = "takeover"
	news.set(id, sentences(id, 20)) // about 4 s with Polly slowed below
	owner := procs[0]
	r, _ := http.NewRequest(http.MethodPost, owner.base+"/v1/articles/"+id+"/render?wait=1", nil)
	r.Header.Set(auth[0], auth[1])
	go func() {
		if res, err := http.DefaultClient.Do(r); err == nil { // the owner's waiter dies with it
			res.Body.Close()
		}
	}()
	testwait.Eventually(t, func() bool {
		_, body := get(t, owner.base+"/v1/articles/"+id)
		var m struct{ Status string }
		if json.Unmarshal(body, &m) == nil && m.Status == "ready" {
			t.Fatalf("the owner rendered before it was killed: %s", body)
		}
		return m.Status == "rendering"
	}, "the owner rendering")

	var mu sync.Mutex
	outcomes := map[string]int{}
	var wrong []string
	var wg sync.WaitGroup
	listen := func(p *proc) {
		defer wg.Done()
		res, err := http.Get(p.base + "/v1/articles/" + id + "/audio.mp3")
		outcome := ""
		switch {
		case err != nil:
			outcome = "no answer"
		default:
			b, rerr := io.ReadAll(res.Body)
			res.Body.Close()
			switch {
			case res.StatusCode == http.StatusOK && rerr == nil:
				outcome = "200"
			case res.StatusCode == http.StatusOK:
				outcome = "200 cut" // was hearing the dead owner
			case res.StatusCode == http.StatusServiceUnavailable && res.Header.Get("Retry-After") != "":
				outcome = "503 Retry-After"
			default:
				outcome = fmt.Sprint(res.StatusCode)
				mu.Lock()
				wrong = append(wrong, fmt.Sprintf("%d %s", res.StatusCode, b))
				mu.Unlock()
			}
		}
		mu.Lock()
		outcomes[outcome]++
		mu.Unlock()
	}
	// Listeners hearing the owner when it dies.
	for _, p := range procs[1:] {
		wg.Add(2)
		go listen(p)
		go listen(p)
	}
	owner.kill() // mid-render
	// First listens on the others while the lease runs out and the render
	// is taken over, until it is stored.
	testwait.Eventually(t, func() bool {
		if allReady(t, procs[1], []string{id}) {
			return true
		}
		for _, p := range procs[1:] {
			wg.Add(1)
			go listen(p)
		}
		return false
	}, "the render taken over stored")
	owner.start(t)
	wg.Add(1)
	listen(owner)
	wg.Wait()
	t.Logf("figure: first listens during a takeover after kill -9: %v (Polly asked %d times for the article)", outcomes, spoken("article "+id+","))
	if len(wrong) > 0 || outcomes["no answer"] > 0 {
		for i, p := range procs {
			for _, l := range strings.Split(p.log.String(), "\n") {
				if strings.Contains(l, "status=500") || strings.Contains(l, "level=ERROR") {
					t.Logf("node %d: %s", i, l)
				}
			}
		}
		t.Fatalf("listeners during the takeover: %v; wrong answers: %s", outcomes, strings.Join(wrong, "; "))
	}
	if outcomes["200"] == 0 {
		t.Fatal("no listener heard the render taken over")
	}
}
