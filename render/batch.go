package render

import (
	"context"
	"sync"
)

// BatchResult is the outcome of one article of a batch.
type BatchResult struct {
	Index    int // the article's place in the batch
	ID       string
	Manifest *Manifest // nil on failure
	Err      error
}

// RenderAll renders a batch ahead of listeners (POST /v1/render, the
// feed's render-ahead, `ecouter render -recent`): each article is re-read
// from the source and its render waited for, parallel at a time (0:
// DefaultBatchParallel). Articles whose narration did not change are not
// synthesised again. All batches together hold at most half the render
// slots, so render-ahead never starves listeners. done, if set, is called once per article, never
// concurrently; it is where failures are reported.
func (s *Service) RenderAll(ctx context.Context, ids []string, parallel int, done func(BatchResult)) {
	if parallel <= 0 {
		parallel = DefaultBatchParallel
	}
	var mu sync.Mutex
	report := func(r BatchResult) {
		if done != nil {
			mu.Lock()
			defer mu.Unlock()
			done(r)
		}
	}
	sem := make(chan struct{}, parallel)
	var wg sync.WaitGroup
	for i, id := range ids {
		if err := acquire(ctx, sem, s.batches); err != nil {
			report(BatchResult{Index: i, ID: id, Err: err})
			continue
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer func() { <-s.batches; <-sem }()
			m, err := s.Ensure(ctx, id, Options{Force: true, Wait: true})
			report(BatchResult{Index: i, ID: id, Manifest: m, Err: err})
		}()
	}
	wg.Wait()
}

// acquire takes a place in each semaphore in turn, or none if ctx ends.
func acquire(ctx context.Context, sems ...chan struct{}) error {
	for i, sem := range sems {
		select {
		case sem <- struct{}{}:
		case <-ctx.Done():
			for _, taken := range sems[:i] {
				<-taken
			}
			return ctx.Err()
		}
	}
	return nil
}
