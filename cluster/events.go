package cluster

import (
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/nats-io/nats.go"

	"ecouter/render"
)

// Events carries render.Events to every node at once, so feeds and the
// articles each node checked recently are refreshed everywhere, not after
// their TTL. Best effort on purpose: a node that misses one catches up at
// its TTL, as before.
type Events struct {
	n *Node
}

// event is a render.Event on the wire, with the node it comes from.
type event struct {
	render.Event
	Node string `json:"node"`
}

// NewEvents returns the events of node n.
func NewEvents(n *Node) *Events { return &Events{n: n} }

// Publish sends ev to every node; a failure is only logged.
func (e *Events) Publish(ev render.Event) {
	b, _ := json.Marshal(event{Event: ev, Node: e.n.id})
	if err := e.n.nc.Publish(e.n.subject("events"), b); err != nil {
		e.n.log.Warn("publish event", "kind", ev.Kind, "article_id", ev.ID, "err", err)
	}
}

// subscribeTimeout bounds the round trip that makes a subscription take
// effect.
const subscribeTimeout = 10 * time.Second

// Subscribe calls fn with every event of every node until unsubscribe is
// called; local tells this node's own from the others'. fn runs on one
// goroutine, in order.
func (e *Events) Subscribe(fn func(ev render.Event, local bool)) (unsubscribe func() error, err error) {
	sub, err := e.n.nc.Subscribe(e.n.subject("events"), func(m *nats.Msg) {
		var ev event
		if json.Unmarshal(m.Data, &ev) != nil || ev.ID == "" {
			return
		}
		fn(ev.Event, ev.Node == e.n.id)
	})
	if err != nil {
		return nil, fmt.Errorf("NATS events: %w", err)
	}
	// A round trip: the server holds the interest before Subscribe
	// returns, so an event another node publishes after it is heard.
	if err := e.n.nc.FlushTimeout(subscribeTimeout); err != nil {
		_ = sub.Unsubscribe()
		return nil, fmt.Errorf("NATS events: subscribe: %w", err)
	}
	return func() error {
		if err := sub.Unsubscribe(); err != nil && !errors.Is(err, nats.ErrConnectionClosed) {
			return fmt.Errorf("NATS events: %w", err)
		}
		return nil
	}, nil
}
