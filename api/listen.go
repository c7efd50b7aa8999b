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

var (
	// errLimited is the cause of a 429 for a client over its render budget.
	errLimited = errors.New("listen render budget spent")
	// errBackingOff: the article's last render failed moments ago.
	errBackingOff = errors.New("render held back after a failure")
	// errRunning: not stored yet, but a render (from the CMS) is running.
	errRunning = errors.New("render running")
)

// admit decides whether a listener's request for an article may go on
// when it might start a render. It takes one render from the client's
// budget and returns done, to be told whether the request started a render
// and how it ended: the budget is given back unless a render started, and
// a failed render holds the article back for a while. Over budget, after
// a recent failure or with the day's spending cap reached, what needs no
// new render is still served: stored audio, or a render already running.
func (s *Server) admit(c echo.Context, id string) (done func(started bool, err error), err error) {
	now := time.Now()
	running := s.renders.Rendering(id)
	var r interface{ CancelAt(time.Time) }
	refusal := s.refusal(c, id, now)
	if s.limit != nil && refusal == nil {
		res := s.limit.reserve(clientKey(c.RealIP()), now)
		r = res
		if wait := res.DelayFrom(now); wait > 0 {
			res.CancelAt(now)
			r = nil
			refusal = &retryLater{
				p: problem{http.StatusTooManyRequests, "rate_limited",
					"too many articles read for the first time from this address: try again later", wait},
				err: fmt.Errorf("article %s: %w", id, errLimited),
			}
		}
	}
	if refusal != nil {
		if running {
			return func(bool, error) {}, nil
		}
		if _, err := s.renders.Manifest(c.Request().Context(), id); !errors.Is(err, render.ErrNotRendered) {
			return func(bool, error) {}, err // stored (nil), or a failure to report
		}
		return nil, refusal
	}
	return func(started bool, err error) {
		if r != nil && (!started || running) {
			// Cancelled at the time it was taken: that gives the token back.
			r.CancelAt(now)
		}
		if started && !running {
			s.rendered(id, err)
		}
	}, nil
}

// refusal is why no render may start now for id, or nil.
func (s *Server) refusal(c echo.Context, id string, now time.Time) error {
	if wait := s.backoff.wait(id, now); wait > 0 {
		return &retryLater{
			p: problem{http.StatusServiceUnavailable, "render_failed",
				"this article could not be read a moment ago: try again later", wait},
			err: fmt.Errorf("article %s: %w", id, errBackingOff),
		}
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
	done, err := s.admit(c, id)
	if err != nil {
		return nil, nil, ended, err
	}
	m, stream, err := s.renders.Listen(ctx, id)
	if stream == nil {
		done(false, err)
		return m, nil, ended, err
	}
	return nil, stream, func(err error) { done(true, err) }, nil
}

// ensure is listen for the routes that wait for the render (download,
// transcript).
func (s *Server) ensure(c echo.Context, id string) (*render.Manifest, error) {
	ctx := c.Request().Context()
	if s.cfg.NoListenRenders {
		m, err := s.storedOnly(ctx, id)
		if errors.Is(err, errRunning) {
			return s.renders.Ensure(ctx, id, render.Options{})
		}
		return m, err
	}
	done, err := s.admit(c, id)
	if err != nil {
		return nil, err
	}
	since := time.Now()
	m, err := s.renders.Ensure(ctx, id, render.Options{})
	done(startedRender(m, err, since) || errors.Is(err, store.ErrUnavailable), err)
	return m, err
}

// storedOnly finds the stored render without starting one. An article
// the source does not have is 404 not_found; one it has but that was
// never rendered is 404 not_rendered.
func (s *Server) storedOnly(ctx context.Context, id string) (*render.Manifest, error) {
	m, err := s.renders.Manifest(ctx, id)
	if !errors.Is(err, render.ErrNotRendered) {
		return m, err
	}
	if _, err := s.renders.Article(ctx, id); err != nil {
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
