package render

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"golang.org/x/sync/singleflight"

	"ecouter/article"
)

// checker answers a request for an article: from what this process
// checked within the TTL, from the store while the article has not
// changed at the source, or by starting its render with the Scheduler.
// One check per article runs at a time, shared by its callers.
type checker struct {
	source  article.Source
	archive *Archive
	pl      *pipeline
	sched   Scheduler
	checks  *checks
	events  *notifier
	cfg     Config
	log     *slog.Logger
	metrics *Metrics
	now     func() time.Time
	ensures singleflight.Group // one fetch-and-check per article at a time
}

// outcome is what a check found: a render to serve, or one running.
type outcome struct {
	m   *Manifest
	job *Job
}

// check finds or starts the render that answers a request for the article.
func (c *checker) check(ctx context.Context, id string, opt Options) (outcome, error) {
	if err := article.ValidID(id); err != nil {
		return outcome{}, err
	}
	if !opt.Force {
		if m := c.checks.fresh(id); m != nil {
			c.metrics.hits.Inc()
			return outcome{m: m}, nil
		}
	}
	// Withdrawn audio stays down for listeners; a forced render (the CMS
	// republishing) asks the source again, if it was asked for after the
	// withdrawal.
	w, err := c.archive.withdrawal(ctx, id)
	if err != nil {
		return outcome{}, err
	}
	if w != nil && !(opt.Force && w.ID == opt.Withdrawal) {
		return outcome{}, fmt.Errorf("%s: %w", id, ErrWithdrawn)
	}
	gen := c.checks.generation(id)
	// The check is shared by every caller and must not die with the first
	// one's request: it runs detached, bounded by the render timeout. It
	// is background work a shutdown waits for, as a caller that gave up
	// leaves it running and it may still start a render.
	ch := make(chan singleflight.Result, 1)
	c.sched.Track(func() {
		v, err, shared := c.ensures.Do(flight(id, opt, gen), func() (v any, err error) {
			// Do would re-panic here, which would end the process: a
			// bug in one render must fail only that render.
			defer recoverTo(&err, c.log, id)
			ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), c.cfg.Timeout)
			defer cancel()
			return c.ensure(ctx, id, opt, gen)
		})
		ch <- singleflight.Result{Val: v, Err: err, Shared: shared}
	})
	select {
	case r := <-ch:
		if r.Err != nil {
			return outcome{}, r.Err
		}
		return r.Val.(outcome), nil
	case <-ctx.Done():
		return outcome{}, ctx.Err()
	}
}

// flight names the check a caller may share: listeners share one, forced
// and waiting callers one per kind and withdrawal, and none is shared
// across a withdrawal (gen, the article's count of them).
func flight(id string, opt Options, gen int) string {
	f := id
	if opt.Force || opt.Wait {
		f = fmt.Sprintf("%s\x00%t%t\x00%s", id, opt.Force, opt.Wait, opt.Withdrawal)
	}
	if gen > 0 {
		f += fmt.Sprintf("\x00w%d", gen)
	}
	return f
}

// ensure checks the article against the source and starts its render if
// needed. gen is the count of its withdrawals when the check started:
// what it finds is remembered only if no withdrawal came since.
func (c *checker) ensure(ctx context.Context, id string, opt Options, gen int) (outcome, error) {
	t := time.Now()
	a, err := c.source.Article(ctx, id)
	prev, perr := c.archive.manifest(ctx, id)
	if perr != nil && !errors.Is(perr, ErrNotRendered) {
		return outcome{}, perr
	}
	if err != nil {
		m, err := c.archive.fetchFailed(ctx, id, prev, err)
		return outcome{m: m}, err
	}
	fetch := since(t)
	if opt.Force && opt.Withdrawal != "" {
		// The source shows it again, and the render was asked for after
		// the withdrawal: it ends here, unless another was made since.
		if err := c.archive.end(ctx, id, opt.Withdrawal, c.now().UTC()); err != nil {
			return outcome{}, err
		}
	}
	p := c.pl.prepare(a)
	if prev != nil && prev.Key == p.key {
		c.checks.remember(id, prev, gen)
		c.metrics.hits.Inc()
		return outcome{m: prev}, nil
	}
	// Refused before anything is synthesised or billed. Listeners keep
	// the previous audio, as they do while any new render is pending; the
	// caller that waits for the new render (the CMS) gets the error.
	if p.chars > c.cfg.MaxChars {
		err := fmt.Errorf("render %s: %w", id, &TooLongError{Chars: p.chars, Max: c.cfg.MaxChars})
		if prev != nil && !opt.Wait {
			c.log.Warn("edited article too long, serving its previous audio", "article_id", id, "err", err)
			return outcome{m: prev}, nil
		}
		return outcome{}, err
	}
	c.metrics.misses.Inc()
	if prev != nil {
		c.events.send(EventChanged, id)
	}
	return c.start(ctx, c.request(id, p, prev, fetch, opt, gen), prev)
}

// start hands the render to the Scheduler. A detached one (listeners keep
// the previous audio meanwhile) answers with that audio, busy or not: a
// later request starts the new render.
func (c *checker) start(ctx context.Context, req Request, prev *Manifest) (outcome, error) {
	j, err := c.sched.Start(ctx, req)
	if req.Detached {
		return outcome{m: prev}, nil
	}
	if err != nil {
		return outcome{}, fmt.Errorf("render %s: %w", req.ID, err)
	}
	return outcome{job: j}, nil
}
