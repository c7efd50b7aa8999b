package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"sync"
	"time"

	"github.com/schollz/progressbar/v3"

	"ecouter/article"
	"ecouter/render"
)

// renderRecent renders the source's n most recent articles (of category,
// if set), workers at a time, so the feed is full before anyone listens:
// ecouter render --recent N. A terminal gets one progress bar for the
// batch, logs a line per article. Articles whose narration did not change
// are not synthesised again.
func renderRecent(ctx context.Context, a *app, n int, category string, workers int, stdout, stderr io.Writer) error {
	lister, ok := a.source.(article.Lister)
	if !ok {
		return errors.New("render --recent: this article source cannot list its articles")
	}
	ids, err := lister.Recent(ctx, n, category)
	if err != nil {
		return fmt.Errorf("render --recent: %w", err)
	}
	if len(ids) == 0 {
		fmt.Fprintln(stdout, "no articles to render")
		return nil
	}
	var (
		mu     sync.Mutex
		failed int
		done   int
		bar    *progressbar.ProgressBar
		wg     sync.WaitGroup
		sem    = make(chan struct{}, max(workers, 1))
	)
	if isTerminal(stderr) {
		bar = progressbar.NewOptions(len(ids), progressbar.OptionSetWriter(stderr),
			progressbar.OptionSetDescription("articles"), progressbar.OptionShowCount(),
			progressbar.OptionSetElapsedTime(true), progressbar.OptionClearOnFinish())
	}
	for _, id := range ids {
		select {
		case sem <- struct{}{}:
		case <-ctx.Done():
			wg.Wait()
			return ctx.Err()
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			start := time.Now()
			m, err := a.renders.Ensure(ctx, id, render.Options{Force: true, Wait: true})
			mu.Lock()
			defer mu.Unlock()
			done++
			if err != nil {
				failed++
				fmt.Fprintf(stderr, "%s: %v\n", id, err)
			} else {
				fmt.Fprintf(stdout, "%s: %.1f s of audio, %d bytes (took %.1f s)\n", id, m.Duration, m.Size, time.Since(start).Seconds())
			}
			if bar != nil {
				_ = bar.Set(done)
			} else {
				fmt.Fprintf(stderr, "%d/%d articles\n", done, len(ids))
			}
		}()
	}
	wg.Wait()
	if failed > 0 {
		return fmt.Errorf("render failed for %d of %d articles", failed, len(ids))
	}
	return nil
}
