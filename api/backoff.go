package api

import (
	"sync"
	"time"
)

// Render failure back-off: after a failed render (full disk, engine or
// storage down) an article is not rendered again for listeners before
// firstBackoff, doubling with each failure up to maxBackoff, so a broken
// part is not hammered (and a paid engine not billed) once per listener.
const (
	firstBackoff = 15 * time.Second
	maxBackoff   = 10 * time.Minute
)

// backoff remembers the articles whose last render failed. It is keyed
// by article: an HTTP request does not know the content key before the
// render starts; a CMS hook (POST render) is never held back and clears
// the article's failures when it succeeds.
type backoff struct {
	mu       sync.Mutex
	failures map[string]failure
}

type failure struct {
	n     int       // failures in a row
	until time.Time // no render before
}

func newBackoff() *backoff { return &backoff{failures: map[string]failure{}} }

// wait is how long a render of id is still held back.
func (b *backoff) wait(id string, now time.Time) time.Duration {
	b.mu.Lock()
	defer b.mu.Unlock()
	return max(0, b.failures[id].until.Sub(now))
}

// failed records a failed render of id at now.
func (b *backoff) failed(id string, now time.Time) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if len(b.failures) >= maxClients {
		// Forget the ones whose back-off, at its longest, is over.
		for k, f := range b.failures {
			if now.Sub(f.until) > maxBackoff {
				delete(b.failures, k)
			}
		}
		for k := range b.failures {
			if len(b.failures) < maxClients {
				break
			}
			delete(b.failures, k)
		}
	}
	f := b.failures[id]
	d := firstBackoff << min(f.n, 10)
	f.n++
	f.until = now.Add(min(d, maxBackoff))
	b.failures[id] = f
}

// succeeded forgets id's failures.
func (b *backoff) succeeded(id string) {
	b.mu.Lock()
	defer b.mu.Unlock()
	delete(b.failures, id)
}
