package cluster

import (
	"testing"

	"ecouter/render"
	"ecouter/render/rendertest"
)

// TestEvents runs the contract of every node's events (rendertest, as
// render.LocalEvents does), then what only a cluster does: another node's
// events reach this one, as not local.
func TestEvents(t *testing.T) {
	rendertest.EventsContract(t, func(t *testing.T) rendertest.Events { return NewEvents(embeddedNode(t)) })
	t.Run("OtherNodes", func(t *testing.T) {
		first := embeddedNode(t)
		here, there := NewEvents(first), NewEvents(inProcess(t, first))
		var r rendertest.Received
		unsub, err := here.Subscribe(r.Add)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = unsub() })
		there.Publish(render.Event{Kind: render.EventWithdrawn, ID: "a1"})
		here.Publish(render.Event{Kind: render.EventStored, ID: "a2", Key: "k"})
		r.WaitFor(t, 2)
		got, remote := r.Events()
		if remote != 1 || len(got) != 2 {
			t.Fatalf("got %v with %d not local, want the other node's one not local", got, remote)
		}
	})
}
