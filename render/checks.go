package render

import (
	"sync"
	"time"
)

// checks is what this process remembers of its checks against the
// source: the manifest that matched an article, and when. The Service
// answers from it within ECOUTER_ARTICLE_TTL; the Archive drops an entry
// when the article's audio changes (a withdrawal here or on another node,
// another node's render).
type checks struct {
	now func() time.Time
	ttl time.Duration

	mu      sync.Mutex
	checked map[string]checked // article ID -> last check against the source
	// withdrawals counts the withdrawals of each article in this process,
	// so a check started before a withdrawal is never shared with a caller
	// that came after it (publish, unpublish, publish again in a row).
	withdrawals map[string]int
}

// checked remembers the manifest that matched the source at a given time.
type checked struct {
	at time.Time
	m  *Manifest
}

func newChecks(now func() time.Time, ttl time.Duration) *checks {
	return &checks{now: now, ttl: ttl, checked: map[string]checked{}, withdrawals: map[string]int{}}
}

// fresh returns the manifest last checked within the TTL, or nil.
func (c *checks) fresh(id string) *Manifest {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.checked[id]
	if !ok || c.now().Sub(e.at) >= c.ttl {
		return nil
	}
	return e.m
}

// remember records that m matched the source now, for a check that began
// when the article's withdrawals counted gen.
func (c *checks) remember(id string, m *Manifest, gen int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	// Withdrawn since the check began (here or on another node, which
	// may have removed the audio after this check read it): nothing to
	// trust.
	if c.withdrawals[id] != gen {
		return
	}
	c.checked[id] = checked{at: c.now(), m: m}
}

// generation is the count of the article's withdrawals so far.
func (c *checks) generation(id string) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.withdrawals[id]
}

// forget drops what is remembered of the article.
func (c *checks) forget(id string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	delete(c.checked, id)
}

// withdrawn counts a withdrawal of the article: checks begun before it
// are neither remembered nor shared with later callers.
func (c *checks) withdrawn(id string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	delete(c.checked, id)
	c.withdrawals[id]++
}
