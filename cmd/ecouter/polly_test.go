package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf8"

	"ecouter/synth/polly/pollytest"
)

// These tests run ecouter with ECOUTER_SYNTH=polly against a local server
// that speaks Polly's protocol to the real AWS SDK client (through the
// standard AWS_ENDPOINT_URL_POLLY override), with real MP3 audio.

// syncBuffer is a log sink the test reads while the service writes.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func writeArticle(t *testing.T, dir, id, title, html string) {
	t.Helper()
	b, _ := json.Marshal(map[string]string{"title": title, "author": "Claire Martin", "html": html})
	if err := os.WriteFile(filepath.Join(dir, id+".json"), b, 0o644); err != nil {
		t.Fatal(err)
	}
}

type pollyManifest struct {
	Status           string  `json:"status"`
	Duration         float64 `json:"duration"`
	Sentences        int     `json:"sentences"`
	Synthesized      int     `json:"synthesized"`
	BilledCharacters int64   `json:"billed_characters"`
	Backend          string  `json:"backend"`
	Voice            string  `json:"voice"`
}

func renderWait(t *testing.T, base, id string) (int, pollyManifest, string) {
	t.Helper()
	res, body := do(t, "POST", base+"/v1/articles/"+id+"/render?wait=1", "Authorization", "Bearer "+testKey)
	var m pollyManifest
	json.Unmarshal(body, &m)
	return res.StatusCode, m, string(body)
}

func TestPollyBillingAndCache(t *testing.T) {
	polly := pollytest.New(t, pollytest.Options{})
	polly.Setenv(t)
	polly.SetThrottleRate(0.3)
	dir := t.TempDir()
	para := "<p>Le conseil municipal a voté le budget jeudi soir. Les travaux commenceront au printemps. La maire parle d'un chantier attendu depuis longtemps.</p>"
	writeArticle(t, dir, "budget", "Le budget est voté", para+"<h2>Les réactions</h2><p>L'opposition dénonce un calendrier trop serré.</p>")
	srv := service(t, map[string]string{"ECOUTER_ARTICLES": "dir:" + dir, "ECOUTER_SYNTH": "polly"})

	// First render, through 30 % throttled requests.
	status, m, body := renderWait(t, srv.URL, "budget")
	if status != 200 || m.Backend != "polly" || !strings.Contains(m.Voice, "voice=Lea|engine=neural") {
		t.Fatalf("render through throttling: %d %s", status, body)
	}
	if m.BilledCharacters == 0 || m.BilledCharacters != polly.BilledCharacters() {
		t.Fatalf("manifest bills %d characters, the server billed %d", m.BilledCharacters, polly.BilledCharacters())
	}
	throttled := 0
	for _, r := range polly.Requests() {
		if r.ErrorType == "ThrottlingException" {
			throttled++
		} else if r.Status != 200 {
			t.Fatalf("a request was refused as malformed: %+v", r)
		}
	}
	if throttled == 0 {
		t.Fatal("no request was throttled: the test proves nothing")
	}
	first := m.BilledCharacters

	// Re-rendering an unchanged article costs nothing.
	if status, m, body = renderWait(t, srv.URL, "budget"); status != 200 || polly.BilledCharacters() != first {
		t.Fatalf("second render billed %d more characters: %d %s", polly.BilledCharacters()-first, status, body)
	}

	// Editing one sentence bills only that sentence.
	edited := "Les travaux commenceront en été."
	writeArticle(t, dir, "budget", "Le budget est voté", strings.Replace(para, "Les travaux commenceront au printemps.", edited, 1)+"<h2>Les réactions</h2><p>L'opposition dénonce un calendrier trop serré.</p>")
	status, m, body = renderWait(t, srv.URL, "budget")
	if status != 200 || m.Synthesized != 1 {
		t.Fatalf("edit: %d %s", status, body)
	}
	_, script := get(t, srv.URL+"/v1/articles/budget/script")
	var sc struct {
		Blocks []struct {
			Sentences []struct{ Text, Spoken string }
		}
	}
	json.Unmarshal(script, &sc)
	want := int64(-1)
	for _, b := range sc.Blocks {
		for _, s := range b.Sentences {
			if s.Text == edited {
				want = int64(utf8.RuneCountInString(s.Spoken))
			}
		}
	}
	if got := polly.BilledCharacters() - first; got != want || m.BilledCharacters != want {
		t.Fatalf("the edit billed %d characters (manifest %d), want %d: the edited sentence only", got, m.BilledCharacters, want)
	}
	t.Logf("first render billed %d characters, one-sentence edit %d", first, want)
	if n := metric(t, srv.URL, `ecouter_synth_billed_characters_total{backend="polly"}`); int64(n) != polly.BilledCharacters() {
		t.Fatalf("billed characters metric %v, server %d", n, polly.BilledCharacters())
	}
}

func TestPollyLimitsUnderConcurrentRenders(t *testing.T) {
	polly := pollytest.New(t, pollytest.Options{})
	polly.Setenv(t)
	// Slow answers (300 ms at 12 per second) keep about 4 requests in flight,
	// so the in-flight limit is reached, not only the rate.
	polly.SetDelay(300 * time.Millisecond)
	dir := t.TempDir()
	for i := range 20 {
		writeArticle(t, dir, fmt.Sprintf("art%d", i), fmt.Sprintf("Article numéro %d", i),
			fmt.Sprintf("<p>Première phrase de l'article %d. Une seconde phrase pour l'article %d.</p>", i, i))
	}
	srv := service(t, map[string]string{
		"ECOUTER_ARTICLES": "dir:" + dir, "ECOUTER_SYNTH": "polly",
		"ECOUTER_POLLY_MAX_IN_FLIGHT": "4", "ECOUTER_POLLY_PER_SECOND": "12", "ECOUTER_MAX_RENDERS": "20",
	})
	var wg sync.WaitGroup
	for i := range 20 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if status, _, body := renderWait(t, srv.URL, fmt.Sprintf("art%d", i)); status != 200 {
				t.Errorf("render %d: %d %s", i, status, body)
			}
		}()
	}
	wg.Wait()
	// Three sentences of each article are its own; the byline is shared
	// and, once cached, not paid for again.
	if n := len(polly.Requests()); n < 61 {
		t.Fatalf("%d requests for 20 articles of 3 sentences of their own and a shared byline", n)
	}
	if got := polly.MaxInFlight(); got > 4 || got < 2 {
		t.Fatalf("peak in-flight requests %d, want the limit 4 reached, never passed", got)
	}
	if got := polly.MaxPerSecond(); got > 13 {
		t.Fatalf("peak requests in one second %d, limit 12 (+1 burst)", got)
	}
}

func TestPollyRefusalIsACleanError(t *testing.T) {
	polly := pollytest.New(t, pollytest.Options{})
	polly.Setenv(t)
	polly.SetFailText(func(text string) (int, string, string) {
		if strings.Contains(text, "poison") {
			return 400, "InvalidSsmlException", "Invalid SSML request"
		}
		return 0, "", ""
	})
	dir := t.TempDir()
	writeArticle(t, dir, "bad", "Un titre sain", "<p>Une phrase saine. Une phrase poison ici.</p>")
	writeArticle(t, dir, "bad2", "Titre poison", "<p>Une phrase.</p>")
	var log syncBuffer
	srv := serviceLog(t, map[string]string{"ECOUTER_ARTICLES": "dir:" + dir, "ECOUTER_SYNTH": "polly"}, &log)
	status, _, body := renderWait(t, srv.URL, "bad")
	if status != http.StatusServiceUnavailable || strings.Contains(body, "InvalidSsml") || !strings.Contains(body, `"error"`) {
		t.Fatalf("refused sentence: %d %s", status, body)
	}
	if !strings.Contains(log.String(), "InvalidSsmlException") || !strings.Contains(log.String(), "sentence 4") {
		t.Fatalf("the log does not give the reason and the sentence:\n%s", log.String())
	}
	refused := 0
	for _, r := range polly.Requests() {
		if r.ErrorType == "InvalidSsmlException" {
			refused++
		}
	}
	if refused != 1 {
		t.Fatalf("the refused request was sent %d times, want once (not retried)", refused)
	}
	// A first listener of an article refused on its first sentence gets a
	// clean 503 too, not a broken stream.
	res, body2 := get(t, srv.URL+"/v1/articles/bad2/audio.mp3")
	if res.StatusCode != http.StatusServiceUnavailable || !strings.Contains(string(body2), `"error"`) {
		t.Fatalf("first listener of a refused article: %d %s\n%s", res.StatusCode, body2, log.String())
	}
	for _, secret := range []string{pollytest.SecretAccessKey} {
		if strings.Contains(log.String(), secret) {
			t.Fatal("the AWS secret key is in the log")
		}
	}
}
