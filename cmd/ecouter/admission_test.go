package main

import (
	"fmt"
	"io"
	"net/http"
	"sync"
	"testing"
	"time"
)

// TestSimultaneousFirstListens: 200 first listens of one article at once
// from one address (real espeak-ng): one render, every listener served,
// no 429 (issue 19: 44 of them got 429). Joining a render costs nothing.
func TestSimultaneousFirstListens(t *testing.T) {
	cms := newHostileCMS(t)
	base, log := serveCmd(t, cms.env())
	const n = 200
	codes := make(chan int, n)
	start := make(chan struct{})
	var wg sync.WaitGroup
	for range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			res, err := http.Get(base + "/v1/articles/art-7/audio.mp3")
			if err != nil {
				t.Error(err)
				return
			}
			defer res.Body.Close()
			io.Copy(io.Discard, res.Body)
			codes <- res.StatusCode
		}()
	}
	close(start)
	wg.Wait()
	close(codes)
	by := map[int]int{}
	for c := range codes {
		by[c]++
	}
	renders := metric(t, base, `ecouter_renders_total{outcome="ok"}`)
	t.Logf("figure: %d simultaneous first listens of one article from one address: statuses %v, %v render(s)", n, by, renders)
	if by[http.StatusOK] != n || renders != 1 {
		t.Fatalf("statuses %v, %v renders; want %d × 200, one render\n%s", by, renders, n, log)
	}
}

// TestChaptersWalk: one address walking IDs through chapters.json (its URL
// is in every feed item) starts no more renders than its budget (issue
// 19: 37 renders in 25 s with a budget of 10 a minute).
func TestChaptersWalk(t *testing.T) {
	cms := newHostileCMS(t)
	base, _ := serveCmd(t, cms.env())
	start := time.Now()
	by := map[int]int{}
	for i := range 30 {
		res, body := get(t, fmt.Sprintf("%s/v1/articles/art-%d/chapters.json", base, i))
		by[res.StatusCode]++
		if res.StatusCode == http.StatusTooManyRequests {
			checkJSONError(t, "over budget", res, body, 429)
		}
	}
	renders := metric(t, base, `ecouter_renders_total{outcome="ok"}`)
	allowed := 10 + int(time.Since(start)/(6*time.Second))
	t.Logf("figure: one address, 30 chapters.json in %v: %v renders, statuses %v (budget 10/min)", time.Since(start).Round(time.Second), renders, by)
	if int(renders) > allowed || by[http.StatusTooManyRequests] == 0 {
		t.Fatalf("%v renders (at most %d), statuses %v", renders, allowed, by)
	}
}
