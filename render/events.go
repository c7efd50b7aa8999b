package render

import (
	"context"
	"fmt"
)

// Event says an article's audio changed, for the caches of every node
// (feeds, the articles checked within their TTL).
type Event struct {
	Kind string `json:"kind"`          // EventStored, EventWithdrawn, EventChanged
	ID   string `json:"id"`            // article ID
	Key  string `json:"key,omitempty"` // EventStored: the content key of the audio stored
}

// Event kinds.
const (
	EventStored    = "stored"    // a new render is stored
	EventWithdrawn = "withdrawn" // the source no longer has an article with stored audio
	EventChanged   = "changed"   // the article's narration changed: a new render starts
)

// WithNotify makes the Service tell fn of every Event, synchronously: fn
// must return quickly (a cluster publishes them to every node and clears
// the finished leases they make stale).
func WithNotify(fn func(Event)) Option { return func(s *Service) { s.notifyFn = fn } }

func (s *Service) notify(kind, id string) { s.notifyEvent(Event{Kind: kind, ID: id}) }

func (s *Service) notifyEvent(ev Event) {
	if s.notifyFn != nil {
		s.notifyFn(ev)
	}
}

// Forget drops what the service remembers of the article, so the next
// request reads the store and the source again: another node changed it.
func (s *Service) Forget(id string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.checked, id)
}

// Key returns the content key the article would be rendered with now:
// what the render queue deduplicates jobs by.
func (s *Service) Key(ctx context.Context, id string) (string, error) {
	a, err := s.Article(ctx, id)
	if err != nil {
		return "", fmt.Errorf("fetch article %s: %w", id, err)
	}
	return s.pl.prepare(a).key, nil
}
