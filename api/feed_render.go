package api

import (
	"context"
	"errors"
	"fmt"
	"net/http"

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
// optional "category"). Renders run render.DefaultBatchParallel at a time in the
// background (202); with ?wait=1 the answer comes when all are done (200).
func (s *Server) renderBatch(c echo.Context) error {
	var req batchRequest
	if err := c.Bind(&req); err != nil {
		return invalid(`want a JSON body {"ids": ["a", "b"]} or {"recent": 10}`)
	}
	ids, err := s.batchIDs(c.Request().Context(), req)
	if err != nil {
		return err
	}
	base := s.base(c)
	results := make([]batchResult, len(ids))
	for i, id := range ids {
		results[i] = batchResult{ID: id, Status: "rendering", ManifestURL: base + "/v1/articles/" + id}
	}
	wait := c.QueryParam("wait")
	if wait != "1" && wait != "true" {
		errs, err := s.queueBatch(c.Request().Context(), ids)
		if err != nil {
			return err
		}
		for i, err := range errs {
			if err != nil {
				_, msg := status(err)
				results[i].Status, results[i].Error = "failed", msg
			}
		}
		return c.JSON(http.StatusAccepted, map[string]any{"articles": results})
	}
	s.renderAll(c.Request().Context(), ids, func(r render.BatchResult) {
		if r.Err != nil {
			_, msg := status(r.Err)
			results[r.Index].Status, results[r.Index].Error = "failed", msg
			return
		}
		results[r.Index].Status, results[r.Index].Duration = "ready", r.Manifest.Duration
	})
	return c.JSON(http.StatusOK, map[string]any{"articles": results})
}

func (s *Server) batchIDs(ctx context.Context, req batchRequest) ([]string, error) {
	switch {
	case len(req.IDs) > 0 && req.Recent > 0:
		return nil, invalid(`give "ids" or "recent", not both`)
	case len(req.IDs) > maxBatch || req.Recent > maxBatch:
		return nil, invalid(fmt.Sprintf("at most %d articles per batch", maxBatch))
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
		if s.cfg.Feed.Lister == nil {
			return nil, invalid(noRecent)
		}
		ids, err := s.cfg.Feed.Lister.Recent(ctx, req.Recent, req.Category)
		switch {
		case errors.Is(err, errors.ErrUnsupported):
			return nil, invalid(noRecent)
		case err != nil: // article.ErrNoCategory among others
			return nil, err
		}
		return ids, nil
	default:
		return nil, invalid(`want {"ids": ["a", "b"]} or {"recent": 10}`)
	}
}

// noRecent refuses {"recent": N} from a source that cannot list.
const noRecent = "this article source cannot list recent articles: give ids"

// renderAll renders ids through the one batch renderer; the feed is
// rebuilt after each. done, if set, receives every result; failures are
// logged here otherwise.
func (s *Server) renderAll(ctx context.Context, ids []string, done func(render.BatchResult)) {
	for _, id := range ids {
		s.forget(id) // a batch asks the source, as POST render does
	}
	s.renders.RenderAll(ctx, ids, 0, func(r render.BatchResult) {
		s.feeds.Invalidate()
		done(r)
	})
}
