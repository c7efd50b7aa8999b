package render

import (
	"log/slog"
	"sync"
)

// LocalEvents carries Events to the subscribers of this process alone: the
// events of a node without NATS (ECOUTER_NATS=off), with the promises of
// the cluster's (every event of this node is local, each subscriber gets
// them in order on a goroutine of its own, best effort).
type LocalEvents struct {
	log  *slog.Logger
	mu   sync.Mutex
	subs map[*localSub]struct{}
}

// localSub is one subscriber's events not delivered yet.
type localSub struct {
	events chan Event
	done   chan struct{}
}

// localBacklog is how many events a subscriber may be behind before new
// ones are dropped for it, as a slow NATS subscriber's would be.
const localBacklog = 4096

// NewLocalEvents returns events with no subscriber.
func NewLocalEvents(log *slog.Logger) *LocalEvents {
	return &LocalEvents{log: log, subs: map[*localSub]struct{}{}}
}

// Publish sends ev to every subscriber, without waiting for them.
func (e *LocalEvents) Publish(ev Event) {
	if ev.ID == "" {
		return
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	for s := range e.subs {
		select {
		case s.events <- ev:
		default:
			e.log.Warn("event dropped: its subscriber is too far behind", "kind", ev.Kind, "article_id", ev.ID)
		}
	}
}

// Subscribe calls fn with every event published until unsubscribe is
// called; every one is local. fn runs on one goroutine, in order; once
// unsubscribe returns, fn is not called again.
func (e *LocalEvents) Subscribe(fn func(ev Event, local bool)) (unsubscribe func() error, err error) {
	s := &localSub{events: make(chan Event, localBacklog), done: make(chan struct{})}
	e.mu.Lock()
	e.subs[s] = struct{}{}
	e.mu.Unlock()
	ended := make(chan struct{})
	go func() {
		defer close(ended)
		for {
			select {
			case ev := <-s.events:
				fn(ev, true)
			case <-s.done:
				return
			}
		}
	}()
	var once sync.Once
	return func() error {
		once.Do(func() {
			e.mu.Lock()
			delete(e.subs, s)
			e.mu.Unlock()
			close(s.done)
			<-ended
		})
		return nil
	}, nil
}
