package cluster

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"ecouter/cluster/natstest"
	"ecouter/render"
	"ecouter/synth"
	"ecouter/synth/synthtest"
)

func newBilling(t *testing.T, n *Node) *Billing {
	t.Helper()
	b, err := NewBilling(context.Background(), n)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestBillingEmbedded(t *testing.T) {
	n := embeddedNode(t)
	synthtest.TestCounter(t, func(t *testing.T) synth.Counter { return newBilling(t, inProcess(t, n)) }, true)
}

func TestBillingCluster(t *testing.T) {
	c := natstest.Start(t, 3)
	prefix := clusterNodes(t, c, 1)[0].cfg.Prefix
	i := 0
	// Each counter on a node of its own, connected to the next server:
	// replicated buckets report compare-and-swap conflicts with a code of
	// their own.
	synthtest.TestCounter(t, func(t *testing.T) synth.Counter {
		i++
		n, err := Start(context.Background(), Config{URL: c.URLs[i%3], Replicas: 3, Prefix: prefix}, quiet)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(n.Close)
		return newBilling(t, n)
	}, true)
}

// A restart keeps the day's count: it lives in JetStream's storage.
func TestBillingKeptAcrossRestart(t *testing.T) {
	dir := t.TempDir()
	ctx := context.Background()
	n, err := Start(ctx, Config{Dir: dir}, quiet)
	if err != nil {
		t.Fatal(err)
	}
	if _, ok, err := newBilling(t, n).Reserve(ctx, "2026-03-02", 700, 1000); !ok || err != nil {
		t.Fatalf("reserve: %v %v", ok, err)
	}
	n.Close()
	n, err = Start(ctx, Config{Dir: dir}, quiet)
	if err != nil {
		t.Fatal(err)
	}
	defer n.Close()
	if u, err := newBilling(t, n).Used(ctx, "2026-03-02"); u != 700 || err != nil {
		t.Fatalf("after a restart: %d, %v; want 700", u, err)
	}
}

// Without NATS the count cannot be read: the cap refuses (fails closed)
// with render.ErrUnavailable, a 503.
func TestBillingWithoutNATS(t *testing.T) {
	n := embeddedNode(t)
	b := newBilling(t, n)
	n.nc.Close()
	eng := &synthtest.Fake{Bill: true}
	_, err := synth.NewDailyCap(eng, synth.CapConfig{Max: 1000, Count: b}).Synthesize(context.Background(), "une phrase")
	if !errors.Is(err, render.ErrUnavailable) || !errors.Is(err, synth.ErrUnavailable) {
		t.Fatalf("without NATS: %v; want render.ErrUnavailable", err)
	}
	if eng.Calls() != 0 {
		t.Fatal("billed without a count")
	}
}

// TestBillingTwoNodesCap drives two nodes' caps at once until they refuse,
// each node with several sentences in flight, and reports what they billed
// over the cap: with a count per process (as before) and with the shared
// count. go test -run TestBillingTwoNodesCap -v ./cluster/
func TestBillingTwoNodesCap(t *testing.T) {
	const capChars, inFlight = 5000, 8
	c := natstest.Start(t, 3)
	nodes := clusterNodes(t, c, 2)
	for _, shared := range []bool{false, true} {
		var counts []synth.Counter
		for _, n := range nodes {
			if shared {
				counts = append(counts, newBilling(t, n))
			} else {
				counts = append(counts, &synth.MemCounter{})
			}
		}
		billed := drive(t, counts, capChars, inFlight)
		t.Logf("two nodes, %d sentences in flight each, count %s: billed %d for a cap of %d (%.2f× the cap)",
			inFlight, map[bool]string{false: "per process", true: "shared in NATS"}[shared], billed, capChars, float64(billed)/capChars)
		if shared && billed > capChars {
			t.Errorf("shared count: two nodes billed %d, over the cap of %d", billed, capChars)
		}
	}
}

// drive bills sentences through one DailyCap per count, inFlight at once
// each, until every one is refused, and returns the characters billed.
func drive(t *testing.T, counts []synth.Counter, capChars int64, inFlight int) int64 {
	var wg sync.WaitGroup
	var mu sync.Mutex
	var billed int64
	for i, count := range counts {
		d := synth.NewDailyCap(&synthtest.Fake{Bill: true, Delay: 2 * time.Millisecond}, synth.CapConfig{Max: capChars, Count: count})
		for w := range inFlight {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for k := 0; ; k++ {
					var u synth.Usage
					ctx := synth.WithUsage(context.Background(), &u)
					_, err := d.Synthesize(ctx, fmt.Sprintf("Le nœud %d, fil %d, phrase numéro %04d.", i, w, k))
					mu.Lock()
					billed += u.Characters()
					mu.Unlock()
					if errors.Is(err, synth.ErrCapped) {
						return
					}
					if err != nil {
						t.Error(err)
						return
					}
				}
			}()
		}
	}
	wg.Wait()
	return billed
}
