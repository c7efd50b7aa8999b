package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"testing"
	"time"

	"ecouter/cluster"
	"ecouter/cluster/natstest"
	"ecouter/internal/testwait"
	"ecouter/synth"
	"ecouter/synth/polly/pollytest"
)

// startServe runs ecouter serve with exactly env until stop is called.
func startServe(t *testing.T, env map[string]string) (base string, stop func()) {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	log := &syncBuffer{}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, []string{"serve", "-addr", addr}, func(k string) string { return env[k] }, io.Discard, log)
	}()
	stopped := false
	stop = func() {
		if stopped {
			return
		}
		stopped = true
		cancel()
		if err := <-done; err != nil {
			t.Errorf("serve: %v\n%s", err, log)
		}
	}
	t.Cleanup(stop)
	base = "http://" + addr
	testwait.Eventually(t, func() bool {
		res, err := http.Get(base + "/healthz")
		if err == nil {
			res.Body.Close()
		}
		return err == nil
	}, "serve answering\n%s", log)
	return base, stop
}

// TestSpendingCapSharedAndKept: the day's billed characters survive a
// restart, and two nodes on one NATS bill one cap between them, not one
// each. The cap of 60 characters holds one short article (about 35).
func TestSpendingCapSharedAndKept(t *testing.T) {
	cms := newHostileCMS(t)
	env := func(extra ...string) map[string]string {
		e := cms.env()
		e["ECOUTER_SYNTH"] = "polly"
		e["ECOUTER_MAX_BILLED_CHARS_PER_DAY"] = "60"
		e["ECOUTER_API_KEY"] = testKey
		for i := 0; i < len(extra); i += 2 {
			e[extra[i]] = extra[i+1]
		}
		return e
	}
	// listen asks for articles from, from+1... until one is refused.
	listen := func(base string, from, to int) {
		for i := from; i < to; i++ {
			res, body := get(t, fmt.Sprintf("%s/v1/articles/art-%d/audio.mp3", base, i))
			if res.StatusCode != http.StatusOK {
				if code := checkJSONError(t, "over the cap", res, body, 503); code != "spending_cap" {
					t.Fatalf("art-%d: code %q %s", i, code, body)
				}
				return
			}
		}
	}

	t.Run("Restart", func(t *testing.T) {
		polly := pollytest.New(t, pollytest.Options{})
		polly.Setenv(t)
		e := env("ECOUTER_STORE", t.TempDir(), "ECOUTER_NATS_DIR", t.TempDir())
		base, stop := startServe(t, e)
		listen(base, 1, 2)
		before := metric(t, base, "ecouter_billed_characters_today")
		stop()
		base, _ = startServe(t, e)
		if after := metric(t, base, "ecouter_billed_characters_today"); after != before || before == 0 {
			t.Fatalf("billed today: %v before the restart, %v after", before, after)
		}
		listen(base, 2, 6)
		if b := polly.BilledCharacters(); b > 60 {
			t.Fatalf("Polly billed %d characters over a restart for a cap of 60", b)
		}
	})

	t.Run("TwoNodes", func(t *testing.T) {
		polly := pollytest.New(t, pollytest.Options{})
		polly.Setenv(t)
		nats := natstest.Start(t, 1)
		var bases []string
		for range 2 {
			b, _ := startServe(t, env("ECOUTER_STORE", t.TempDir(), "ECOUTER_NATS_DIR", t.TempDir(), "ECOUTER_NATS_URL", nats.URL()))
			bases = append(bases, b)
		}
		listen(bases[0], 1, 2)
		listen(bases[1], 2, 6)
		// Each node reads the shared count again once what it saw is a
		// second old.
		var billed [2]float64
		testwait.Eventually(t, func() bool {
			billed = [2]float64{metric(t, bases[0], "ecouter_billed_characters_today"), metric(t, bases[1], "ecouter_billed_characters_today")}
			return billed[0] == billed[1] && billed[0] > 0
		}, "both nodes to report one count billed today (last: %v)", &billed)
		if b := polly.BilledCharacters(); b > 60 {
			t.Fatalf("two nodes billed %d characters for a cap of 60", b)
		}
		// A third node's sentences, billed over their estimates, take the
		// count past the cap: this node refuses listens at once, from the
		// shared count, and starts no render (it would fail at its first
		// sentence).
		third, err := cluster.Start(context.Background(), cluster.Config{URL: nats.URL()}, slog.New(slog.DiscardHandler))
		if err != nil {
			t.Fatal(err)
		}
		defer third.Close()
		count, err := cluster.NewBilling(context.Background(), third)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := count.Add(context.Background(), synth.Day(time.Now()), 60); err != nil {
			t.Fatal(err)
		}
		testwait.Eventually(t, func() bool { return metric(t, bases[0], "ecouter_billed_characters_today") >= 60 }, "node 0 to read the count the third node wrote")
		failed := `ecouter_renders_total{outcome="error"}`
		before := metric(t, bases[0], failed)
		listen(bases[0], 6, 10)
		if after := metric(t, bases[0], failed); after != before {
			t.Fatalf("node 0 started %v renders over the cap another node reached", after-before)
		}
	})
}
