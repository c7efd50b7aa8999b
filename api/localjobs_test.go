package api

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"testing"

	"ecouter/jobs"
	"ecouter/render"
)

// localJobs is the render queue of a lone node, as ecouter serve gives
// the HTTP layer with ECOUTER_NATS=off: its jobs rendered by svc until the
// test ends.
func localJobs(t *testing.T, svc *render.Service) jobs.Queue {
	t.Helper()
	q := jobs.NewLocal(jobs.LocalConfig{}, slog.New(slog.NewTextHandler(io.Discard, nil)))
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		q.Run(ctx, 2, func() int { return 1 }, func(ctx context.Context, j jobs.Job) error {
			_, err := svc.Ensure(ctx, j.ID, render.Options{Force: true, Wait: true, Withdrawal: j.Withdrawal})
			if errors.Is(err, render.ErrWithdrawn) {
				return fmt.Errorf("%w: %w", jobs.ErrDropped, err)
			}
			return err
		})
	}()
	// The workers stopped, the renders they started are waited for before
	// the test's folders go.
	t.Cleanup(func() { cancel(); <-done; _ = svc.Wait(context.Background()) })
	return q
}
