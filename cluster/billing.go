package cluster

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"ecouter/render"
	"ecouter/synth"
)

// Billing is the synth.Counter of a cluster: one entry per UTC day in a
// JetStream key-value bucket, changed only by compare-and-swap on its
// revision, so every node's spending cap counts the same characters and
// a restart keeps them.
type Billing struct {
	kv jetstream.KeyValue
	// turn lets one change of this node at a time race the other nodes':
	// a node's sentences in flight would otherwise mostly conflict with
	// one another, each conflict a read and a replicated write more.
	turn chan struct{}
}

// billingTTL keeps a day's count a while after its last change, long
// enough to settle yesterday's sentences after midnight.
const billingTTL = 48 * time.Hour

// NewBilling opens (creating it if need be) node n's billing bucket.
func NewBilling(ctx context.Context, n *Node) (*Billing, error) {
	kv, err := n.js.CreateOrUpdateKeyValue(ctx, jetstream.KeyValueConfig{
		Bucket:      n.name("billing"),
		Description: "ecouter: characters billed by the paid speech engine each UTC day",
		History:     1,
		TTL:         billingTTL,
		Replicas:    n.cfg.Replicas,
	})
	if err != nil {
		return nil, fmt.Errorf("NATS billing bucket: %w", err)
	}
	return &Billing{kv: kv, turn: make(chan struct{}, 1)}, nil
}

var _ synth.Counter = (*Billing)(nil)

// maxSwaps bounds the compare-and-swap retries of one change: each retry
// means another node changed the count in between, which a few hundred
// nodes billing at once would not exhaust.
const maxSwaps = 1000

// Reserve implements synth.Counter.
func (b *Billing) Reserve(ctx context.Context, day string, n, max int64) (int64, bool, error) {
	var used int64
	var ok bool
	err := b.swap(ctx, day, func(u int64) (int64, bool) {
		used, ok = u, u+n <= max
		if ok {
			used = u + n
		}
		return used, ok
	})
	return used, ok, err
}

// Add implements synth.Counter.
func (b *Billing) Add(ctx context.Context, day string, delta int64) (int64, error) {
	var used int64
	err := b.swap(ctx, day, func(u int64) (int64, bool) {
		used = max(0, u+delta)
		return used, true
	})
	return used, err
}

// Used implements synth.Counter.
func (b *Billing) Used(ctx context.Context, day string) (int64, error) {
	u, _, err := b.get(ctx, day)
	return u, err
}

// swap applies change to day's count until no other node changed it in
// between; change reports whether to write at all.
func (b *Billing) swap(ctx context.Context, day string, change func(used int64) (int64, bool)) error {
	select {
	case b.turn <- struct{}{}:
		defer func() { <-b.turn }()
	case <-ctx.Done():
		return fmt.Errorf("%w: wait to count billed characters of %s: %w", render.ErrUnavailable, day, ctx.Err())
	}
	hiccups := 0
	for range maxSwaps {
		used, rev, err := b.get(ctx, day)
		if err != nil {
			return err
		}
		next, write := change(used)
		if !write || next == used {
			return nil
		}
		v := []byte(strconv.FormatInt(next, 10))
		if rev == 0 {
			_, err = b.kv.Create(ctx, day, v)
		} else {
			_, err = b.kv.Update(ctx, day, v, rev)
		}
		switch {
		case err == nil:
			return nil
		case errors.Is(err, jetstream.ErrKeyExists), errors.Is(err, jetstream.ErrKeyRevisionMismatch):
			continue // another node counted first: count again from its value
		case (errors.Is(err, nats.ErrNoResponders) || errors.Is(err, jetstream.ErrNoStreamResponse)) && hiccups < maxHiccups:
			// Delivered to nobody, so not written: try again shortly.
			// A write that timed out is not tried again, as it may have
			// gone through: the caller fails closed instead.
			hiccups++
			if err := pause(ctx, hiccups); err != nil {
				return fmt.Errorf("%w: update billed characters of %s: %w", render.ErrUnavailable, day, err)
			}
		default:
			return fmt.Errorf("%w: update billed characters of %s: %w", render.ErrUnavailable, day, err)
		}
	}
	return fmt.Errorf("%w: billed characters of %s: still contended after %d tries", render.ErrUnavailable, day, maxSwaps)
}

// get reads day's count and its revision (0: no entry yet).
func (b *Billing) get(ctx context.Context, day string) (int64, uint64, error) {
	e, err := b.kv.Get(ctx, day)
	for try := 1; try <= maxHiccups && hiccup(err); try++ {
		// A replicated bucket just created, or changing leader, answers
		// nobody for a moment: worth a few tries before failing closed.
		if perr := pause(ctx, try); perr != nil {
			return 0, 0, fmt.Errorf("%w: read billed characters of %s: %w", render.ErrUnavailable, day, perr)
		}
		e, err = b.kv.Get(ctx, day)
	}
	if errors.Is(err, jetstream.ErrKeyNotFound) {
		return 0, 0, nil
	}
	if err != nil {
		return 0, 0, fmt.Errorf("%w: read billed characters of %s: %w", render.ErrUnavailable, day, err)
	}
	u, err := strconv.ParseInt(string(e.Value()), 10, 64)
	if err != nil {
		// Refused rather than read as zero: a paid engine fails closed.
		return 0, 0, fmt.Errorf("billed characters of %s: entry %q: %w", day, e.Value(), err)
	}
	return u, e.Revision(), nil
}

// hiccup tells a moment's unavailability of a JetStream request (no
// responder yet, a request timed out) from a failure.
func hiccup(err error) bool {
	return errors.Is(err, nats.ErrNoResponders) || errors.Is(err, nats.ErrTimeout) ||
		errors.Is(err, jetstream.ErrNoStreamResponse)
}

// pause waits a little longer at each try, or until ctx ends.
func pause(ctx context.Context, try int) error {
	select {
	case <-time.After(time.Duration(try) * 100 * time.Millisecond):
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
