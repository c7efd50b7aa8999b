package article

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"
)

// maxRemembered bounds the memory of unknown IDs: a walker trying millions
// of IDs must not grow it without end. About 150 bytes an entry.
const maxRemembered = 100_000

// NotFoundMemory is a Source that remembers, for a while, the IDs its
// source did not find: an ID walker asking again and again for articles
// that do not exist reaches the CMS once per ID and TTL, not once per
// request. An article the source excludes from audio is remembered as
// such, so the answer keeps its reason. Found articles and other failures
// are not remembered. It is safe for concurrent use.
type NotFoundMemory struct {
	src Source
	ttl time.Duration
	now func() time.Time

	mu      sync.Mutex
	unknown map[string]unknown // ID -> what the source said, until when
}

// unknown is a remembered answer: ErrNotFound, or ErrExcluded.
type unknown struct {
	until time.Time // when to ask the source again
	err   error
}

// DefaultNotFoundTTL is how long an unknown ID is remembered: long enough
// to spare the CMS a walker's repeats, short enough that an article just
// published is found soon.
const DefaultNotFoundTTL = time.Minute

// RememberNotFound wraps src; a ttl of 0 or less remembers nothing.
func RememberNotFound(src Source, ttl time.Duration) *NotFoundMemory {
	return &NotFoundMemory{src: src, ttl: ttl, now: time.Now, unknown: map[string]unknown{}}
}

// Article answers ErrNotFound at once for an ID the source did not find
// within the TTL, and asks the source otherwise.
func (m *NotFoundMemory) Article(ctx context.Context, id string) (*Article, error) {
	if m.ttl <= 0 {
		return m.src.Article(ctx, id)
	}
	m.mu.Lock()
	u, ok := m.unknown[id]
	m.mu.Unlock()
	if ok && m.now().Before(u.until) {
		return nil, fmt.Errorf("article %s: %w (remembered from the source's last answer)", id, u.err)
	}
	a, err := m.src.Article(ctx, id)
	switch {
	case errors.Is(err, ErrExcluded):
		m.remember(id, ErrExcluded)
	case errors.Is(err, ErrNotFound):
		m.remember(id, ErrNotFound)
	case err == nil:
		m.Forget(id)
	}
	return a, err
}

// Forget makes the next request for id ask the source: what a CMS hook
// announcing a new article needs.
func (m *NotFoundMemory) Forget(id string) {
	m.mu.Lock()
	defer m.mu.Unlock()
	delete(m.unknown, id)
}

func (m *NotFoundMemory) remember(id string, err error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	now := m.now()
	if len(m.unknown) >= maxRemembered {
		for k, u := range m.unknown {
			if !now.Before(u.until) {
				delete(m.unknown, k)
			}
		}
	}
	// Still full of live entries: forget some at random (map order) rather
	// than grow; those IDs cost one more source request each.
	for k := range m.unknown {
		if len(m.unknown) < maxRemembered {
			break
		}
		delete(m.unknown, k)
	}
	m.unknown[id] = unknown{until: now.Add(m.ttl), err: err}
}
