package polly

import (
	"context"
	"os"
	"testing"
	"time"

	"ecouter/synth"
)

// TestRealPolly speaks one sentence with Amazon Polly itself. It needs
// ECOUTER_TEST_REAL_POLLY=1 and credentials in the standard chain, and
// bills about 30 characters.
func TestRealPolly(t *testing.T) {
	if os.Getenv("ECOUTER_TEST_REAL_POLLY") != "1" {
		t.Skip("set ECOUTER_TEST_REAL_POLLY=1, with AWS credentials and region, to call Amazon Polly")
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	cfg, err := LoadConfig(ctx)
	if err != nil {
		t.Fatal(err)
	}
	e, err := New(ctx, Options{}, cfg)
	if err != nil {
		t.Fatal(err)
	}
	var usage synth.Usage
	clip, err := e.Synthesize(synth.WithUsage(ctx, &usage), "Bonjour, ceci est un essai d'écoute.")
	if err != nil {
		t.Fatal(err)
	}
	if clip.Rate != DefaultSampleRate || clip.Seconds() < 1 {
		t.Errorf("got %.2fs at %d Hz, want a second or more at %d Hz", clip.Seconds(), clip.Rate, DefaultSampleRate)
	}
	if usage.Characters() == 0 {
		t.Error("no billed characters counted")
	}
	t.Logf("%.2fs of audio, %d characters billed", clip.Seconds(), usage.Characters())
}
