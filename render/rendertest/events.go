package rendertest

import (
	"sync"
	"testing"

	"ecouter/internal/testwait"
	"ecouter/render"
)

// Events is how a node's render service tells every node that an
// article's audio changed: the cluster's over NATS, a lone node's in
// process (render.LocalEvents).
type Events interface {
	Publish(ev render.Event)
	Subscribe(fn func(ev render.Event, local bool)) (unsubscribe func() error, err error)
}

// NewEvents returns a node's events, with no subscriber yet.
type NewEvents func(t *testing.T) Events

// EventsContract runs every behaviour events promise on one node against
// events made by newEvents.
func EventsContract(t *testing.T, newEvents NewEvents) {
	t.Run("OwnEventsInOrder", func(t *testing.T) { ownEventsInOrder(t, newEvents(t)) })
	t.Run("EverySubscriber", func(t *testing.T) { everySubscriber(t, newEvents(t)) })
	t.Run("Unsubscribe", func(t *testing.T) { unsubscribe(t, newEvents(t)) })
}

// Received is what a subscriber got.
type Received struct {
	mu     sync.Mutex
	events []render.Event
	remote int // events not local
}

// Add is the subscriber's function.
func (r *Received) Add(ev render.Event, local bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.events = append(r.events, ev)
	if !local {
		r.remote++
	}
}

// Events is what was received so far, and how many were not local.
func (r *Received) Events() ([]render.Event, int) {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]render.Event(nil), r.events...), r.remote
}

// WaitFor waits until n events were received.
func (r *Received) WaitFor(t *testing.T, n int) []render.Event {
	t.Helper()
	var got []render.Event
	testwait.Eventually(t, func() bool { got, _ = r.Events(); return len(got) >= n }, "%d events (got %v)", n, &got)
	return got
}

func subscribe(t *testing.T, e Events, r *Received) func() error {
	t.Helper()
	unsub, err := e.Subscribe(r.Add)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = unsub() })
	return unsub
}

// ownEventsInOrder: a node's own events reach its subscriber as local, in
// the order published, whole.
func ownEventsInOrder(t *testing.T, e Events) {
	var r Received
	subscribe(t, e, &r)
	sent := []render.Event{
		{Kind: render.EventChanged, ID: "a1"},
		{Kind: render.EventStored, ID: "a1", Key: "k1"},
		{Kind: render.EventWithdrawn, ID: "a1"},
		{Kind: render.EventStored, ID: "a2", Key: "k2"},
	}
	for _, ev := range sent {
		e.Publish(ev)
	}
	got := r.WaitFor(t, len(sent))
	if len(got) != len(sent) {
		t.Fatalf("got %v, want %v", got, sent)
	}
	for i := range sent {
		if got[i] != sent[i] {
			t.Fatalf("event %d: %+v, want %+v (all: %v)", i, got[i], sent[i], got)
		}
	}
	if _, remote := r.Events(); remote != 0 {
		t.Errorf("%d of the node's own events were not local", remote)
	}
}

func everySubscriber(t *testing.T, e Events) {
	var a, b Received
	subscribe(t, e, &a)
	subscribe(t, e, &b)
	e.Publish(render.Event{Kind: render.EventWithdrawn, ID: "a1"})
	a.WaitFor(t, 1)
	b.WaitFor(t, 1)
}

// unsubscribe: a subscriber gone gets nothing more, the others still do.
func unsubscribe(t *testing.T, e Events) {
	var gone, kept Received
	unsub := subscribe(t, e, &gone)
	subscribe(t, e, &kept)
	if err := unsub(); err != nil {
		t.Fatal(err)
	}
	e.Publish(render.Event{Kind: render.EventChanged, ID: "a1"})
	e.Publish(render.Event{Kind: render.EventChanged, ID: "a2"})
	// The one still subscribed got both: the other had time to get them.
	kept.WaitFor(t, 2)
	if got, _ := gone.Events(); len(got) != 0 {
		t.Fatalf("events after unsubscribing: %v", got)
	}
}
