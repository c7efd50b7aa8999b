package polly

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"ecouter/synth"
	"ecouter/synth/polly/pollytest"
)

func TestRefusedInputNotRetried(t *testing.T) {
	for _, code := range []string{
		"InvalidSsmlException", "TextLengthExceededException", "LexiconNotFoundException",
		"EngineNotSupportedException", "InvalidSampleRateException", "ValidationException",
	} {
		t.Run(code, func(t *testing.T) {
			t.Parallel()
			srv := newServer(t, pollytest.Options{})
			srv.SetFailText(func(text string) (int, string, string) {
				return http.StatusBadRequest, code, "refused: " + text
			})
			e := newEngine(t, srv, Options{})
			_, err := e.Synthesize(context.Background(), "Une phrase refusée.")
			var ee *synth.EngineError
			if !errors.As(err, &ee) || !errors.Is(err, synth.ErrEngine) || errors.Is(err, synth.ErrThrottled) {
				t.Fatalf("err = %v, want an EngineError wrapping ErrEngine only", err)
			}
			if !strings.Contains(err.Error(), code) || !strings.Contains(ee.Stderr, "refused: Une phrase refusée.") {
				t.Errorf("err = %q, stderr %q: want the code in both, the message in stderr", err, ee.Stderr)
			}
			if n := len(srv.Requests()); n != 1 {
				t.Errorf("%d requests, want 1: %s must not be retried", n, code)
			}
		})
	}
}

func TestTransientFailuresRetried(t *testing.T) {
	for _, c := range []struct {
		status int
		code   string
	}{
		{http.StatusBadRequest, "ThrottlingException"},
		{http.StatusTooManyRequests, "TooManyRequestsException"},
		{http.StatusInternalServerError, "ServiceFailureException"},
		{http.StatusServiceUnavailable, "ServiceUnavailableException"},
	} {
		t.Run(c.code, func(t *testing.T) {
			t.Parallel()
			srv := newServer(t, pollytest.Options{})
			e := newEngine(t, srv, Options{})
			srv.FailNext(2, c.status, c.code)
			if _, err := e.Synthesize(context.Background(), "Troisième essai."); err != nil {
				t.Fatal(err)
			}
			if n := len(srv.Requests()); n != 3 {
				t.Errorf("%d requests, want 3 (two failures, then success)", n)
			}
		})
	}
}

func TestErrorClasses(t *testing.T) {
	for _, c := range []struct {
		name   string
		status int
		code   string
		want   error
	}{
		{"still throttled", http.StatusBadRequest, "ThrottlingException", synth.ErrThrottled},
		{"still failing", http.StatusInternalServerError, "ServiceFailureException", synth.ErrThrottled},
		{"bad credentials", http.StatusForbidden, "UnrecognizedClientException", synth.ErrUnavailable},
		{"no permission", http.StatusForbidden, "AccessDeniedException", synth.ErrUnavailable},
	} {
		t.Run(c.name, func(t *testing.T) {
			srv := newServer(t, pollytest.Options{})
			e := newEngine(t, srv, Options{MaxAttempts: 2})
			srv.FailNext(2, c.status, c.code)
			_, err := e.Synthesize(context.Background(), "Encore raté.")
			t.Log(err)
			if !errors.Is(err, c.want) || !strings.Contains(err.Error(), c.code) {
				t.Errorf("err = %v, want %v naming %s", err, c.want, c.code)
			}
			if strings.Contains(err.Error(), pollytest.SecretAccessKey) {
				t.Errorf("err = %v: shows the secret key", err)
			}
		})
	}
}

func TestSynthesizeCanceled(t *testing.T) {
	srv := newServer(t, pollytest.Options{Delay: 10 * time.Second})
	e := newEngine(t, srv, Options{})
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, err := e.Synthesize(ctx, "Trop lent.")
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("err = %v, want context.DeadlineExceeded", err)
	}
	// Soon after the deadline: well before Polly's 10 s, however busy
	// the machine.
	if took := time.Since(start); took > 5*time.Second {
		t.Errorf("returned after %s, want soon after the deadline", took)
	}
}
