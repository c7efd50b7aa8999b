package polly

import (
	"context"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws/retry"

	"ecouter/synth/polly/pollytest"
)

// With several nodes on one account, the adaptive mode slows a throttled
// node down rather than failing its requests.
func TestAdaptiveRetry(t *testing.T) {
	r := NewAdaptiveRetryer(7)
	if _, ok := r.(*retry.AdaptiveMode); !ok || r.MaxAttempts() != 7 {
		t.Fatalf("adaptive retryer %T with %d attempts", r, r.MaxAttempts())
	}
	srv := newServer(t, pollytest.Options{ThrottleRate: 0.3, Seed: 4})
	e := newEngine(t, srv, Options{MaxAttempts: 10, Adaptive: true})
	if err := synthesizeAll(context.Background(), e, sentences(10)); err != nil {
		t.Fatalf("adaptive mode under 30%% throttling: %v", err)
	}
	throttled := 0
	for _, r := range srv.Requests() {
		if r.ErrorType == "ThrottlingException" {
			throttled++
		}
	}
	if throttled == 0 || e.Requests() != 10 {
		t.Fatalf("%d throttled, %d successful requests: want some throttling and 10", throttled, e.Requests())
	}
}
