package polly

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"ecouter/synth/polly/pollytest"
)

// These tests run the real SDK client against pollytest, which runs the
// real espeak-ng: what is under test is the wire protocol and the audio.

func newServer(t *testing.T, opt pollytest.Options) *pollytest.Server {
	t.Helper()
	return pollytest.New(t, opt)
}

func newEngine(t *testing.T, srv *pollytest.Server, opt Options) *Engine {
	t.Helper()
	e, err := New(context.Background(), opt, srv.Config())
	if err != nil {
		t.Fatalf("New(%+v): %v", opt, err)
	}
	return e
}

// sentences returns n distinct short French sentences.
func sentences(n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = fmt.Sprintf("Phrase numéro %d : le conseil a voté le budget.", i+1)
	}
	return out
}

// longSentence is one sentence of about n characters, clauses joined by commas.
func longSentence(n int) string {
	var b strings.Builder
	for i := 0; b.Len() < n; i++ {
		if i > 0 {
			b.WriteString(", ")
		}
		fmt.Fprintf(&b, "la commission numéro %d a examiné le dossier", i+1)
	}
	b.WriteString(".")
	return b.String()
}
