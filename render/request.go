package render

import (
	"context"
	"fmt"
)

// request is the scheduler's request for the render of p: the pipeline
// under the render timeout, then the bookkeeping of a finished render.
// The caller that waits for it (opt.Wait) queues for a slot; otherwise,
// with previous audio to serve, nobody waits and the render is detached.
func (c *checker) request(id string, p prepared, prev *Manifest, fetch float64, opt Options, gen int) Request {
	render := func(ctx context.Context, st *Stream) (*Manifest, error) {
		ctx, cancel := context.WithTimeout(ctx, c.cfg.Timeout)
		defer cancel()
		c.metrics.inflight.Inc()
		defer c.metrics.inflight.Dec()
		// Withdrawn while it waited for a slot: nothing is synthesised.
		if err := c.archive.refuseWithdrawn(ctx, id); err != nil {
			return nil, fmt.Errorf("render %s: %w", id, err)
		}
		m, err := c.pl.run(ctx, task{id: id, p: p, prev: prev, progress: opt.Progress, st: st,
			allowed: func(ctx context.Context) error { return c.archive.refuseWithdrawn(ctx, id) }})
		if err != nil {
			c.metrics.renders.WithLabelValues("error").Inc()
			return nil, err
		}
		// Withdrawn between the check before publishing and the manifest
		// written: the withdrawal's own removal may have listed the store
		// before this audio was there, so the render removes it.
		if err := c.archive.refuseWithdrawn(ctx, id); err != nil {
			if rerr := c.archive.removeRender(context.WithoutCancel(ctx), id); rerr != nil {
				return nil, rerr
			}
			return nil, fmt.Errorf("render %s: %w", id, err)
		}
		m.Timings.Fetch = fetch
		c.metrics.renders.WithLabelValues("ok").Inc()
		c.metrics.seconds.Observe(m.RenderSeconds)
		c.checks.remember(id, m, gen)
		c.archive.collectAfter(id)
		c.events.sendEvent(Event{Kind: EventStored, ID: id, Key: m.Key})
		return m, nil
	}
	return Request{ID: id, Key: p.key, Render: render, Stored: c.archive.stored,
		Queue: opt.Wait, Detached: prev != nil && !opt.Wait}
}
