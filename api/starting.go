package api

import "sync"

// starting holds, per article, the claim of the listener's request whose
// admission is being decided or whose render is being started, so that
// the requests arriving meanwhile (200 first listens of one article at
// once) join it instead of each paying a render from a budget.
type starting struct {
	mu sync.Mutex
	m  map[string]*start
}

// start is one claim: decided is closed once the first request is let
// through (admitted) or refused.
type start struct {
	decided  chan struct{}
	admitted bool
}

func newStarting() *starting { return &starting{m: map[string]*start{}} }

// claim returns the article's claim, and whether the caller made it (and
// must decide, then release it).
func (s *starting) claim(id string) (st *start, first bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if st, ok := s.m[id]; ok {
		return st, false
	}
	st = &start{decided: make(chan struct{})}
	s.m[id] = st
	return st, true
}

// release lets st go.
func (s *starting) release(id string, st *start) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.m[id] == st {
		delete(s.m, id)
	}
}
