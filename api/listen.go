package api

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"ecouter/article"
	"ecouter/render"
	"ecouter/store"
	"ecouter/synth"
)

// admission is a listener's request let through to a render: to start
// one, paid from the budgets, or to join one already running or being
// started, which costs nothing.
type admission struct {
	s        *Server
	id       string
	giveBack func() // returns what take took; nil: nothing taken
	first    *start // the claim this request holds for the article; nil: it joined
	starts   bool   // it may start a render (not only serve what is stored)
}

// begun tells that the render, if any, is now registered with the
// scheduler (Rendering is true), so listeners arriving from now on join
// it through Rendering: the claim is let go.
func (a *admission) begun() {
	if a.first != nil {
		a.s.starting.release(a.id, a.first)
		a.first = nil
	}
}

// done is told whether the request started a render and how it ended:
// the budget is given back unless a render started, and a failed render
// holds the article back for a while.
func (a *admission) done(started bool, err error) {
	a.begun()
	if !a.starts {
		return
	}
	if !started && a.giveBack != nil {
		a.giveBack()
	}
	if started {
		a.s.rendered(a.id, err)
	}
}

// admit decides whether a listener's request for an article may go on
// when it might start a render. This is the one admission of every route
// that renders for listeners (audio, download, transcript, chapters):
// the failed-render back-off, the spending cap, the client's budget and
// the budget over all clients. Joining a render that is running, or
// being started by another listener's request, is free and always let
// through. Over budget, after a recent failure or with the day's spending
// cap reached, what needs no new render is still served: stored audio.
func (s *Server) admit(c echo.Context, id string) (*admission, error) {
	ctx := c.Request().Context()
	for {
		if s.renders.Rendering(id) {
			return &admission{s: s, id: id}, nil
		}
		st, first := s.starting.claim(id)
		if !first {
			// Another listener's request for the article is being
			// admitted: join what it starts, or decide anew if it was
			// refused (its budget is not this client's).
			select {
			case <-st.decided:
			case <-ctx.Done():
				return nil, ctx.Err()
			}
			if st.admitted {
				return &admission{s: s, id: id}, nil
			}
			continue
		}
		a, err := s.decide(c, id)
		st.admitted = err == nil
		close(st.decided)
		if err != nil {
			s.starting.release(id, st)
			return nil, err
		}
		a.first = st
		return a, nil
	}
}

// decide admits the first request for an article not rendering.
func (s *Server) decide(c echo.Context, id string) (*admission, error) {
	now := time.Now()
	a := &admission{s: s, id: id, starts: true}
	refusal := s.refusal(c, id, now)
	if s.limit != nil && refusal == nil {
		giveBack, wait, global := s.limit.take(c.RealIP(), now)
		a.giveBack = giveBack
		if wait > 0 {
			refusal = overBudget(id, wait, global)
		}
	}
	if refusal == nil {
		return a, nil
	}
	if _, err := s.stored.Manifest(c.Request().Context(), id); !errors.Is(err, render.ErrNotRendered) {
		// Stored (nil): served, nothing started. Or a failure to report.
		return &admission{s: s, id: id}, err
	}
	return nil, refusal
}

// overBudget refuses a client over its budget, or every client over the
// cap on renders listeners start.
func overBudget(id string, wait time.Duration, global bool) error {
	cause := errLimited
	if global {
		cause = errLimitedAll
	}
	return &retryIn{err: fmt.Errorf("article %s: %w", id, cause), wait: wait}
}

// refusal is why no render may start now for id, or nil.
func (s *Server) refusal(c echo.Context, id string, now time.Time) error {
	if wait := s.backoff.wait(id, now); wait > 0 {
		return &retryIn{err: fmt.Errorf("article %s: %w", id, errBackingOff), wait: wait}
	}
	if s.cfg.Budget != nil {
		if until, spent := s.cfg.Budget.Exhausted(); spent {
			return &synth.CapError{Until: until}
		}
	}
	return nil
}

// rendered records how a render a listener started ended.
func (s *Server) rendered(id string, err error) {
	switch {
	case err == nil:
		s.backoff.succeeded(id)
	case errors.Is(err, synth.ErrCapped), errors.Is(err, context.Canceled), errors.Is(err, render.ErrBusy),
		errors.Is(err, render.ErrNoLiveStream):
		// The cap has its own Retry-After; a cancelled or refused
		// render did not fail, nor one going on without a live stream.
	case problemOf(err).status < http.StatusInternalServerError:
		// The article itself is refused (too long, nothing to read):
		// trying again later changes nothing, so the client is told why
		// each time rather than "try again later".
	default:
		s.backoff.failed(id, time.Now())
	}
}

// startedRender tells, from an Ensure's outcome, whether the call ran a
// render: a manifest rendered since the request came, or a failure that
// only a render produces.
func startedRender(m *render.Manifest, err error, since time.Time) bool {
	if err != nil {
		return !errors.Is(err, article.ErrNotFound) && !errors.Is(err, article.ErrInvalidID) &&
			!errors.Is(err, article.ErrUnavailable) && !errors.Is(err, render.ErrBusy) &&
			!errors.Is(err, render.ErrEmpty) && !errors.Is(err, context.Canceled) && !isTooLong(err)
	}
	return !m.RenderedAt.Before(since)
}

// listen is what the audio route serves: render.Listen within the
// client's budget, or only what is stored when listeners do not start
// renders (ECOUTER_RENDER_ON_LISTEN=false). done is told how the stream
// ended, when there is one.
func (s *Server) listen(c echo.Context, id string) (*render.Manifest, *render.Stream, func(error), error) {
	ctx := c.Request().Context()
	ended := func(error) {}
	// An article checked against the source within its TTL is served
	// as it is: no render can start, so neither the budget nor the
	// cluster (is a render running?) nor the store's manifest is asked.
	if m := s.renders.Cached(id); m != nil {
		return m, nil, ended, nil
	}
	if s.cfg.NoListenRenders {
		m, err := s.storedOnly(ctx, id)
		if errors.Is(err, errRunning) {
			m, st, err := s.renders.Listen(ctx, id) // joins the render the CMS started
			return m, st, ended, err
		}
		return m, nil, ended, err
	}
	a, err := s.admit(c, id)
	if err != nil {
		return nil, nil, ended, err
	}
	m, stream, err := s.renders.Listen(ctx, id)
	if stream == nil {
		a.done(false, err)
		return m, nil, ended, err
	}
	a.begun()
	return nil, stream, func(err error) { a.done(true, err) }, nil
}

// ensure is listen for the routes that wait for the render (download,
// transcript, chapters).
func (s *Server) ensure(c echo.Context, id string) (*render.Manifest, error) {
	ctx := c.Request().Context()
	if s.cfg.NoListenRenders {
		m, err := s.storedOnly(ctx, id)
		if errors.Is(err, errRunning) {
			return s.renders.Ensure(ctx, id, render.Options{})
		}
		return m, err
	}
	a, err := s.admit(c, id)
	if err != nil {
		return nil, err
	}
	since := time.Now()
	m, err := s.renders.Ensure(ctx, id, render.Options{})
	a.done(startedRender(m, err, since) || errors.Is(err, store.ErrUnavailable), err)
	return m, err
}

// storedOnly finds the stored render without starting one. An article
// the source does not have is 404 not_found; one it has but that was
// never rendered is 404 not_rendered.
func (s *Server) storedOnly(ctx context.Context, id string) (*render.Manifest, error) {
	m, err := s.stored.Manifest(ctx, id)
	if !errors.Is(err, render.ErrNotRendered) {
		return m, err
	}
	if _, err := s.narration.Article(ctx, id); err != nil {
		return nil, err
	}
	if s.renders.Rendering(id) {
		return nil, errRunning
	}
	return nil, fmt.Errorf("article %s: listeners do not start renders: %w", id, render.ErrNotRendered)
}

// isTooLong reports whether err refuses an article over ECOUTER_MAX_CHARS,
// which is decided before anything is synthesised.
func isTooLong(err error) bool {
	var long *render.TooLongError
	return errors.As(err, &long)
}
