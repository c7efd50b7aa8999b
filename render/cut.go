package render

import (
	"context"
	"fmt"
	"sync"
	"time"
)

// Cut stops what runs of the article on this node, if it is withdrawn:
// its renders (they fail with ErrWithdrawn, their live streams cut at
// once) and the answers being sent of it (OnWithdrawn). Withdraw calls it;
// a cluster calls it when another node withdraws the article
// (EventWithdrawn). The store is asked first: an event arriving after a
// render asked for later ended the withdrawal must not cut that render.
func (a *Archive) Cut(ctx context.Context, id string) {
	a.checks.forget(id)
	if w, err := a.withdrawal(ctx, id); err == nil && w == nil {
		return
	}
	a.sched.Cancel(id, fmt.Errorf("%s: %w", id, ErrWithdrawn))
	a.checks.withdrawn(id)
	a.watchers.fire(id)
}

// OnWithdrawn calls cut (once, on another goroutine's stack maybe) if the
// article is withdrawn, here or on another node, before stop is called:
// what sends its audio cuts the answer off.
func (a *Archive) OnWithdrawn(id string, cut func()) (stop func()) {
	return a.watchers.add(id, cut)
}

// settleTimeout bounds how long a withdrawal waits for the renders it cut
// to end. A node that missed the event renders on; its render then finds
// the withdrawal before it publishes, and removes what it stored.
const settleTimeout = 10 * time.Second

// settle waits until no render of the article runs, here or on another
// node, or settleTimeout.
func (a *Archive) settle(ctx context.Context, id string) {
	ctx, cancel := context.WithTimeout(ctx, settleTimeout)
	defer cancel()
	for wait := 10 * time.Millisecond; a.sched.Rendering(id); wait = min(2*wait, 200*time.Millisecond) {
		select {
		case <-ctx.Done():
			a.log.Warn("withdrawn article still rendering", "article_id", id)
			return
		case <-time.After(wait):
		}
	}
}

// watchers are the OnWithdrawn registrations, by article ID.
type watchers struct {
	mu sync.Mutex
	by map[string]map[*watcher]struct{}
}

// watcher is one OnWithdrawn registration.
type watcher struct{ fn func() }

func (ws *watchers) add(id string, fn func()) (stop func()) {
	w := &watcher{fn: fn}
	ws.mu.Lock()
	if ws.by == nil {
		ws.by = map[string]map[*watcher]struct{}{}
	}
	if ws.by[id] == nil {
		ws.by[id] = map[*watcher]struct{}{}
	}
	ws.by[id][w] = struct{}{}
	ws.mu.Unlock()
	return func() {
		ws.mu.Lock()
		defer ws.mu.Unlock()
		if set := ws.by[id]; set != nil {
			delete(set, w)
			if len(set) == 0 {
				delete(ws.by, id)
			}
		}
	}
}

// fire calls, once, every function registered for the article.
func (ws *watchers) fire(id string) {
	ws.mu.Lock()
	fns := ws.by[id]
	delete(ws.by, id)
	ws.mu.Unlock()
	for w := range fns {
		w.fn()
	}
}
