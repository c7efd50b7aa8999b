package polly

import (
	"context"
	"testing"
	"time"

	"ecouter/synth/polly/pollytest"
)

func TestLimitsShared(t *testing.T) {
	for _, c := range []struct {
		name        string
		opt         Options
		delay       time.Duration
		throttle    float64
		maxInFlight int // exact peak expected at the server
		maxPerSec   int // most requests in any second
	}{
		// The per-second limit binds, retries included: 5 a second and a
		// burst of 1 allow at most 6 in any one-second window.
		{"per second", Options{MaxInFlight: 3, PerSecond: 5}, 50 * time.Millisecond, 0.3, 0, 6},
		// The in-flight cap binds: slow answers, no rate to speak of.
		{"in flight", Options{MaxInFlight: 3, PerSecond: 1000}, 300 * time.Millisecond, 0, 3, 0},
	} {
		t.Run(c.name, func(t *testing.T) {
			srv := newServer(t, pollytest.Options{Delay: c.delay, ThrottleRate: c.throttle, Seed: 7})
			c.opt.MaxAttempts = 10
			e := newEngine(t, srv, c.opt)
			start := time.Now()
			if err := synthesizeAll(context.Background(), e, sentences(30)); err != nil {
				t.Fatal(err)
			}
			t.Logf("30 sentences in %s, %d requests, peak %d in flight, %d in one second",
				time.Since(start).Round(time.Millisecond), len(srv.Requests()), srv.MaxInFlight(), srv.MaxPerSecond())
			if got := srv.MaxInFlight(); got > c.opt.MaxInFlight || c.maxInFlight > 0 && got != c.maxInFlight {
				t.Errorf("peak in flight = %d, want at most %d (exactly %d)", got, c.opt.MaxInFlight, c.maxInFlight)
			}
			if got := srv.MaxPerSecond(); c.maxPerSec > 0 && got > c.maxPerSec {
				t.Errorf("%d requests within one second, want at most %d", got, c.maxPerSec)
			}
		})
	}
}
