package api

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"sync"

	"github.com/labstack/echo/v4"

	"ecouter/article"
	"ecouter/render"
)

// maxBatch bounds one POST /v1/render.
const maxBatch = 100

type batchRequest struct {
	IDs      []string `json:"ids"`
	Recent   int      `json:"recent"`
	Category string   `json:"category"`
}

type batchResult struct {
	ID          string  `json:"id"`
	Status      string  `json:"status"` // rendering, ready, failed
	ManifestURL string  `json:"manifest_url"`
	Duration    float64 `json:"duration,omitempty"`
	Error       string  `json:"error,omitempty"`
}

// renderBatch renders several articles ahead of listeners, so a feed is
// full before anyone plays it: {"ids": [...]} or {"recent": N} (with an
// optional "category"). Renders run batchConcurrency at a time in the
// background (202); with ?wait=1 the answer comes when all are done (200).
func (f *feeds) renderBatch(c echo.Context) error {
	var req batchRequest
	if err := c.Bind(&req); err != nil {
		return echo.NewHTTPError(http.StatusBadRequest, `want a JSON body {"ids": ["a", "b"]} or {"recent": 10}`)
	}
	ids, err := f.batchIDs(c.Request().Context(), req)
	if err != nil {
		return err
	}
	base := f.s.base(c)
	results := make([]batchResult, len(ids))
	for i, id := range ids {
		results[i] = batchResult{ID: id, Status: "rendering", ManifestURL: base + "/v1/articles/" + id}
	}
	wait := c.QueryParam("wait")
	if wait != "1" && wait != "true" {
		// Tracked by the render service, so a shutdown waits for it.
		f.s.renders.Track(func() { f.renderAll(context.Background(), ids, nil) })
		return c.JSON(http.StatusAccepted, map[string]any{"articles": results})
	}
	f.renderAll(c.Request().Context(), ids, func(i int, m *render.Manifest, err error) {
		if err != nil {
			_, msg := status(err)
			results[i].Status, results[i].Error = "failed", msg
			return
		}
		results[i].Status, results[i].Duration = "ready", m.Duration
	})
	return c.JSON(http.StatusOK, map[string]any{"articles": results})
}

func (f *feeds) batchIDs(ctx context.Context, req batchRequest) ([]string, error) {
	switch {
	case len(req.IDs) > 0 && req.Recent > 0:
		return nil, echo.NewHTTPError(http.StatusBadRequest, `give "ids" or "recent", not both`)
	case len(req.IDs) > maxBatch || req.Recent > maxBatch:
		return nil, echo.NewHTTPError(http.StatusBadRequest, fmt.Sprintf("at most %d articles per batch", maxBatch))
	case len(req.IDs) > 0:
		var ids []string
		for _, id := range req.IDs {
			if err := article.ValidID(id); err != nil {
				return nil, err
			}
			ids = append(ids, id)
		}
		return ids, nil
	case req.Recent > 0:
		if f.s.cfg.Feed.Lister == nil {
			return nil, echo.NewHTTPError(http.StatusBadRequest, "this article source cannot list recent articles: give ids")
		}
		ids, err := f.s.cfg.Feed.Lister.Recent(ctx, req.Recent, req.Category)
		switch {
		case errors.Is(err, errors.ErrUnsupported):
			return nil, echo.NewHTTPError(http.StatusBadRequest, "this article source cannot list recent articles: give ids")
		case errors.Is(err, article.ErrNoCategory):
			return nil, echo.NewHTTPError(http.StatusNotFound, "no such category")
		case err != nil:
			return nil, err
		}
		return ids, nil
	default:
		return nil, echo.NewHTTPError(http.StatusBadRequest, `want {"ids": ["a", "b"]} or {"recent": 10}`)
	}
}

// renderAll renders ids, at most batchConcurrency at a time across every
// batch, re-reading each article (Force) and waiting for each render.
// done, if set, is called once per ID.
func (f *feeds) renderAll(ctx context.Context, ids []string, done func(int, *render.Manifest, error)) {
	var wg sync.WaitGroup
	var mu sync.Mutex
	for i, id := range ids {
		select {
		case f.batches <- struct{}{}:
		case <-ctx.Done():
			if done != nil {
				mu.Lock()
				done(i, nil, ctx.Err())
				mu.Unlock()
			}
			continue
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer func() { <-f.batches }()
			f.s.forget(id) // a batch asks the source, as POST render does
			m, err := f.s.renders.Ensure(ctx, id, render.Options{Force: true, Wait: true})
			if err != nil {
				f.s.log.Error("batch render failed", "article_id", id, "err", err)
			}
			f.invalidate()
			if done != nil {
				mu.Lock()
				done(i, m, err)
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
}
