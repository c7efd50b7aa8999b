package api

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"sync"

	"github.com/labstack/echo/v4"

	"ecouter/article"
	"ecouter/jobs"
	"ecouter/render"
)

func (s *Server) jobs(c echo.Context) error {
	st, err := s.cfg.Jobs.Stats(c.Request().Context())
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, st)
}

// retryJobs queues failed jobs again: {"ids": [...]}, or every failed job
// with an empty body or no ids.
func (s *Server) retryJobs(c echo.Context) error {
	var req struct {
		IDs []string `json:"ids"`
	}
	if c.Request().ContentLength != 0 {
		if err := c.Bind(&req); err != nil {
			return invalid(`want a JSON body {"ids": ["a", "b"]}, or none to retry every failed job`)
		}
	}
	if len(req.IDs) > maxBatch {
		return invalid("too many ids: give at most 100, or none to retry every failed job")
	}
	for _, id := range req.IDs {
		if err := article.ValidID(id); err != nil {
			return err
		}
	}
	n, err := s.cfg.Jobs.Retry(c.Request().Context(), req.IDs...)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, map[string]int{"retried": n})
}

// later renders an article in the background, through the queue (a
// failure is kept; with NATS, a restart loses nothing). The article is
// read first, so what the caller can fix (an unknown or invalid ID) is
// answered now. The render may end the withdrawal in force now if ends is
// set (POST render of that article); otherwise a withdrawn article is
// ErrWithdrawn (a batch never brings one back).
func (s *Server) later(ctx context.Context, id string, ends bool) error {
	w, err := s.stored.Withdrawn(ctx, id)
	if err != nil {
		return err
	}
	if w != nil && !ends {
		return fmt.Errorf("%s: %w", id, render.ErrWithdrawn)
	}
	var withdrawal string
	if w != nil {
		withdrawal = w.ID
	}
	key, err := s.narration.Key(ctx, id)
	if errors.Is(err, article.ErrUnavailable) {
		// The source may come back: the queue tries again, and keeps the
		// job as failed if it does not.
		key, err = "", nil
	}
	if err != nil {
		return err
	}
	since, err := s.since(ctx, id, w)
	if err != nil {
		return err
	}
	return s.cfg.Jobs.Enqueue(ctx, jobs.Job{ID: id, Key: key, Since: since, Withdrawal: withdrawal})
}

// since names the state a queued render moves the article from: the key
// of its current audio, or its withdrawal w. Two hooks for one change are
// one job, but an edit reverted (K1, K2, K1) or a withdrawn article brought
// back are new jobs, never dropped as duplicates of an earlier one.
func (s *Server) since(ctx context.Context, id string, w *render.Withdrawal) (string, error) {
	if w != nil {
		return "withdrawn@" + w.ID, nil
	}
	if m, err := s.stored.Manifest(ctx, id); err == nil {
		return "from@" + m.Key, nil
	}
	return "", nil
}

// queueBatch queues a batch, reading its articles a few at a time; errs[i]
// is why ids[i] was not queued. A queue that cannot be reached fails the
// whole batch.
func (s *Server) queueBatch(ctx context.Context, ids []string) (errs []error, err error) {
	errs = make([]error, len(ids))
	sem := make(chan struct{}, 4)
	var wg sync.WaitGroup
	for i, id := range ids {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer func() { <-sem; wg.Done() }()
			errs[i] = s.later(ctx, id, false)
		}()
	}
	wg.Wait()
	for _, e := range errs {
		if errors.Is(e, jobs.ErrUnavailable) {
			return nil, e
		}
	}
	return errs, nil
}
