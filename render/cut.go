package render

import (
	"context"
	"fmt"
	"time"
)

// Cut stops what runs of the article on this node, if it is withdrawn:
// its renders (they fail with ErrWithdrawn, their live streams cut at
// once) and the answers being sent of it (OnWithdrawn). Withdraw calls it;
// a cluster calls it when another node withdraws the article
// (EventWithdrawn). The store is asked first: an event arriving after a
// render asked for later ended the withdrawal must not cut that render.
func (s *Service) Cut(ctx context.Context, id string) {
	s.forget(id)
	if w, err := s.rec.withdrawal(ctx, id); err == nil && w == nil {
		return
	}
	s.sched.Cancel(id, fmt.Errorf("%s: %w", id, ErrWithdrawn))
	s.mu.Lock()
	// A check started before the withdrawal is never shared with a
	// caller that came after it.
	s.withdrawals[id]++
	fns := s.watchers[id]
	delete(s.watchers, id)
	s.mu.Unlock()
	for w := range fns {
		w.fn()
	}
}

// watcher is one OnWithdrawn registration.
type watcher struct{ fn func() }

// OnWithdrawn calls cut (once, on another goroutine's stack maybe) if the
// article is withdrawn, here or on another node, before stop is called:
// what sends its audio cuts the answer off.
func (s *Service) OnWithdrawn(id string, cut func()) (stop func()) {
	w := &watcher{fn: cut}
	s.mu.Lock()
	if s.watchers[id] == nil {
		s.watchers[id] = map[*watcher]struct{}{}
	}
	s.watchers[id][w] = struct{}{}
	s.mu.Unlock()
	return func() {
		s.mu.Lock()
		defer s.mu.Unlock()
		if ws := s.watchers[id]; ws != nil {
			delete(ws, w)
			if len(ws) == 0 {
				delete(s.watchers, id)
			}
		}
	}
}

// settleTimeout bounds how long a withdrawal waits for the renders it cut
// to end. A node that missed the event renders on; its render then finds
// the withdrawal before it publishes, and removes what it stored.
const settleTimeout = 10 * time.Second

// settle waits until no render of the article runs, here or on another
// node, or settleTimeout.
func (s *Service) settle(ctx context.Context, id string) {
	ctx, cancel := context.WithTimeout(ctx, settleTimeout)
	defer cancel()
	for wait := 10 * time.Millisecond; s.sched.Rendering(id); wait = min(2*wait, 200*time.Millisecond) {
		select {
		case <-ctx.Done():
			s.log.Warn("withdrawn article still rendering", "article_id", id)
			return
		case <-time.After(wait):
		}
	}
}
