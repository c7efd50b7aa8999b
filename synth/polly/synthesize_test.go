package polly

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf8"

	"ecouter/synth"
	"ecouter/synth/polly/pollytest"
)

func TestSynthesizeThroughEndpointOverride(t *testing.T) {
	srv := newServer(t, pollytest.Options{Lexicons: []string{"sigles", "noms"}})
	srv.Setenv(t) // AWS_ENDPOINT_URL_POLLY and the credential variables
	ctx := context.Background()
	cfg, err := LoadConfig(ctx)
	if err != nil {
		t.Fatal(err)
	}
	e, err := New(ctx, Options{Voice: "Lea", Engine: "neural", Lexicons: []string{"sigles", "noms"}}, cfg)
	if err != nil {
		t.Fatal(err)
	}

	const text = `Tom & Jerry <3 « l'été » et "le reste".`
	var usage synth.Usage
	clip, err := e.Synthesize(synth.WithUsage(ctx, &usage), text)
	if err != nil {
		t.Fatal(err)
	}
	if clip.Rate != 24000 {
		t.Errorf("rate = %d, want 24000", clip.Rate)
	}
	if d := clip.Duration(); d < time.Second || d > 6*time.Second {
		t.Errorf("duration = %s, want 1s to 6s", d)
	}

	reqs := srv.Requests()
	if len(reqs) != 1 {
		t.Fatalf("%d requests, want 1", len(reqs))
	}
	r := reqs[0]
	const wantSSML = `<speak>Tom &amp; Jerry &lt;3 « l&apos;été » et &quot;le reste&quot;.</speak>`
	if r.Text != wantSSML {
		t.Errorf("Text = %s\nwant   %s", r.Text, wantSSML)
	}
	if r.Plain != text {
		t.Errorf("Polly would read %q, want %q", r.Plain, text)
	}
	got := []string{r.TextType, r.Voice, r.Engine, r.LanguageCode, r.OutputFormat, r.SampleRate, strings.Join(r.Lexicons, ",")}
	want := []string{"ssml", "Lea", "neural", "fr-FR", "mp3", "24000", "sigles,noms"}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("request = %q, want %q", got, want)
	}

	billed := int64(utf8.RuneCountInString(text))
	for _, c := range []struct {
		name string
		got  int64
	}{
		{"server billed", srv.BilledCharacters()},
		{"usage characters", usage.Characters()},
		{"engine characters", e.Characters()},
	} {
		if c.got != billed {
			t.Errorf("%s = %d, want %d", c.name, c.got, billed)
		}
	}
	if usage.Requests() != 1 || e.Requests() != 1 {
		t.Errorf("requests: usage %d, engine %d, want 1", usage.Requests(), e.Requests())
	}
}

func TestSynthesizeLongSentence(t *testing.T) {
	t.Parallel()
	srv := newServer(t, pollytest.Options{})
	e := newEngine(t, srv, Options{})
	text := longSentence(4500)
	var usage synth.Usage
	clip, err := e.Synthesize(synth.WithUsage(context.Background(), &usage), text)
	if err != nil {
		t.Fatal(err)
	}
	reqs := srv.Requests()
	if len(reqs) < 2 {
		t.Fatalf("%d requests for %d characters, want it split", len(reqs), utf8.RuneCountInString(text))
	}
	var plains []string
	for i, r := range reqs {
		if r.Billed > MaxBilled || r.Status != 200 {
			t.Errorf("request %d: %d billed, status %d", i, r.Billed, r.Status)
		}
		plains = append(plains, r.Plain)
	}
	if got := strings.Join(plains, " "); got != text {
		t.Errorf("pieces do not rebuild the sentence:\n%.200s...\nwant\n%.200s...", got, text)
	}
	if usage.Requests() != int64(len(reqs)) || usage.Characters() != srv.BilledCharacters() {
		t.Errorf("usage %d chars in %d requests, server billed %d in %d",
			usage.Characters(), usage.Requests(), srv.BilledCharacters(), len(reqs))
	}
	// espeak-ng at 165 words per minute speaks about 15 characters a
	// second: the clip must cover all the pieces, not the first one.
	if perChar := clip.Seconds() / float64(utf8.RuneCountInString(text)); perChar < 0.04 || perChar > 0.12 {
		t.Errorf("%.1fs for %d characters (%.3fs each), want the whole text spoken",
			clip.Seconds(), utf8.RuneCountInString(text), perChar)
	}
}

func TestSynthesizeEmpty(t *testing.T) {
	srv := newServer(t, pollytest.Options{})
	e := newEngine(t, srv, Options{})
	clip, err := e.Synthesize(context.Background(), " \n ")
	if err != nil || len(clip.Samples) != 0 || clip.Rate != 24000 {
		t.Errorf("got %d samples at %d Hz, %v; want an empty 24000 Hz clip", len(clip.Samples), clip.Rate, err)
	}
	if n := len(srv.Requests()); n != 0 {
		t.Errorf("%d requests for blank text, want none", n)
	}
}

// synthesizeAll speaks texts concurrently and returns the first error.
func synthesizeAll(ctx context.Context, e *Engine, texts []string) error {
	var wg sync.WaitGroup
	errs := make([]error, len(texts))
	for i, text := range texts {
		wg.Go(func() {
			_, errs[i] = e.Synthesize(ctx, text)
		})
	}
	wg.Wait()
	return errors.Join(errs...)
}

func TestThrottlingRetried(t *testing.T) {
	for _, rate := range []float64{0, 0.3} {
		srv := newServer(t, pollytest.Options{ThrottleRate: rate, Seed: 4})
		// 10 attempts rather than 8: with 40 sentences at 30 %, 8 throttles
		// in a row would happen to one of them once in 400 runs.
		e := newEngine(t, srv, Options{MaxAttempts: 10})
		start := time.Now()
		if err := synthesizeAll(context.Background(), e, sentences(40)); err != nil {
			t.Fatalf("throttle rate %.0f%%: %v", rate*100, err)
		}
		took := time.Since(start)
		reqs := srv.Requests()
		throttled := 0
		for _, r := range reqs {
			if r.ErrorType == "ThrottlingException" {
				throttled++
			}
		}
		t.Logf("throttle rate %.0f%%: 40 sentences in %s, %d requests, %d throttled",
			rate*100, took.Round(time.Millisecond), len(reqs), throttled)
		switch {
		case rate == 0 && len(reqs) != 40:
			t.Errorf("%d requests without throttling, want 40", len(reqs))
		case rate > 0 && (throttled == 0 || len(reqs) != 40+throttled):
			t.Errorf("%d requests, %d throttled: want 40 plus one retry per throttle", len(reqs), throttled)
		}
		if e.Requests() != 40 {
			t.Errorf("engine counted %d successful requests, want 40", e.Requests())
		}
	}
}
