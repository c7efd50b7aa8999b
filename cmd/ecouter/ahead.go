package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/schollz/progressbar/v3"

	"ecouter/article"
	"ecouter/render"
)

// renderRecent renders the source's n most recent articles (of category,
// if set) through the one batch renderer, so the feed is full before
// anyone listens: ecouter render --recent N. A terminal gets one progress
// bar for the batch, logs a line per article. Articles whose narration did
// not change are not synthesised again.
func renderRecent(ctx context.Context, a *app, n int, category string, stdout, stderr io.Writer) error {
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
	var bar *progressbar.ProgressBar
	if isTerminal(stderr) {
		bar = progressbar.NewOptions(len(ids), progressbar.OptionSetWriter(stderr),
			progressbar.OptionSetDescription("articles"), progressbar.OptionShowCount(),
			progressbar.OptionSetElapsedTime(true), progressbar.OptionClearOnFinish())
	}
	start := time.Now()
	failed, done := 0, 0
	a.renders.RenderAll(ctx, ids, 0, func(r render.BatchResult) {
		done++
		if r.Err != nil {
			failed++
			fmt.Fprintf(stderr, "%s: %v\n", r.ID, r.Err)
		} else {
			fmt.Fprintf(stdout, "%s: %.1f s of audio, %d bytes (%.1f s since the batch started)\n",
				r.ID, r.Manifest.Duration, r.Manifest.Size, time.Since(start).Seconds())
		}
		if bar != nil {
			_ = bar.Set(done)
		} else {
			fmt.Fprintf(stderr, "%d/%d articles\n", done, len(ids))
		}
	})
	if err := ctx.Err(); err != nil {
		return err
	}
	if failed > 0 {
		return fmt.Errorf("render failed for %d of %d articles", failed, len(ids))
	}
	return nil
}
