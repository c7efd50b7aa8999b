package main

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"
)

// shutdownGrace bounds the whole stop of `ecouter serve`: requests in
// flight, then renders, get this long to finish after SIGTERM. It fits in
// the 30 s most supervisors wait before SIGKILL.
const shutdownGrace = 30 * time.Second

// loop is one part of `ecouter serve` that lives as long as the process.
// The periodic collection went missing once because such parts were
// started in several places; every one is now named in one list
// (node.loops), started by runLoops and stopped by it in the list's order.
type loop struct {
	name string
	// run works until its context ends (or stop makes it return), then
	// returns. A run that returns earlier stops the whole process. Nil for
	// a part that starts with the node, before anything is served (the
	// NATS connection, the subscription to events) or as it is asked for
	// (renders): the list only stops it.
	run func(ctx context.Context) error
	// stop ends the part gracefully within ctx's deadline (the HTTP
	// server drains its requests, renders are waited for). Nil when the
	// end of run's context is stop enough.
	stop func(ctx context.Context) error
}

// errEnded is a loop's run that returned on its own, without an error.
var errEnded = errors.New("ended on its own")

// running is a loop's run in progress.
type running struct {
	cancel context.CancelFunc
	done   chan struct{} // closed once run returned, err set
	err    error
}

// runLoops starts every loop's run, then waits until ctx ends or one run
// returns on its own (its error is runLoops' error: the HTTP server
// failed, NATS was lost), and stops them all (see stopLoops).
func runLoops(ctx context.Context, log *slog.Logger, grace time.Duration, loops []loop) error {
	runs := make([]*running, len(loops))
	ended := make(chan int, len(loops))
	// Not ctx: a signal must not stop every loop at once, only in order.
	base := context.WithoutCancel(ctx)
	for i, l := range loops {
		if l.run == nil {
			continue
		}
		lctx, cancel := context.WithCancel(base)
		r := &running{cancel: cancel, done: make(chan struct{})}
		runs[i] = r
		log.Debug("loop started", "loop", l.name)
		go func() {
			r.err = l.run(lctx)
			close(r.done)
			ended <- i
		}()
	}

	var cause error
	failed := -1
	select {
	case <-ctx.Done():
		log.Info("shutting down", "reason", context.Cause(ctx))
	case failed = <-ended:
		cause = fmt.Errorf("%s: %w", loops[failed].name, cmp.Or(runs[failed].err, errEnded))
		log.Info("shutting down", "reason", cause)
	}
	sctx, cancel := context.WithTimeout(base, grace)
	defer cancel()
	stopLoops(sctx, log, loops, runs, failed)
	return cause
}

// stopLoops stops the loops one after the other in their order, each only
// once the one before it has stopped, all before ctx's deadline: a loop
// still running then is logged and left. failed is the loop whose end
// caused the stop (-1: none), its error already reported.
func stopLoops(ctx context.Context, log *slog.Logger, loops []loop, runs []*running, failed int) {
	start := time.Now()
	for i, l := range loops {
		t := time.Now()
		if l.stop != nil {
			if err := l.stop(ctx); err != nil {
				log.Warn("loop stop", "loop", l.name, "err", err)
			}
		}
		if r := runs[i]; r != nil {
			r.cancel()
			select {
			case <-r.done:
			case <-ctx.Done():
				log.Warn("loop still running at the shutdown deadline", "loop", l.name)
				continue
			}
			if r.err != nil && i != failed {
				log.Warn("loop stopped with an error", "loop", l.name, "err", r.err)
			}
		}
		log.Debug("loop stopped", "loop", l.name, "took_ms", time.Since(t).Milliseconds())
	}
	log.Info("stopped", "took_ms", time.Since(start).Milliseconds())
}
