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
)

// errLimited is the cause of a 429 for a client over its render budget.
var errLimited = errors.New("listen render budget spent")

// admit decides whether a listener's request for an article may go on
// when it might start a render. It takes one render from the client's
// budget and returns done, which gives it back unless the request did
// start a render. Over budget, what needs no new render is still served:
// stored audio, or a render already running; the rest gets 429.
func (s *Server) admit(c echo.Context, id string) (done func(started bool), err error) {
	noop := func(bool) {}
	if s.limit == nil {
		return noop, nil
	}
	now := time.Now()
	running := s.renders.Rendering(id)
	r := s.limit.reserve(clientKey(c.RealIP()), now)
	if wait := r.DelayFrom(now); wait > 0 {
		r.CancelAt(now)
		if running {
			return noop, nil
		}
		if _, err := s.renders.Manifest(c.Request().Context(), id); !errors.Is(err, render.ErrNotRendered) {
			return noop, err // stored (nil), or a failure to report
		}
		return nil, &retryLater{
			p: problem{http.StatusTooManyRequests, "rate_limited",
				"too many articles read for the first time from this address: try again later", wait},
			err: fmt.Errorf("article %s: %w", id, errLimited),
		}
	}
	// Cancelled at the time it was taken, which is what gives the token back.
	return func(started bool) {
		if !started || running {
			r.CancelAt(now)
		}
	}, nil
}

// startedRender tells, from an Ensure's outcome, whether the call ran a
// render: a manifest rendered since the request came, or a failure that
// only a render produces.
func startedRender(m *render.Manifest, err error, since time.Time) bool {
	if err != nil {
		return !errors.Is(err, article.ErrNotFound) && !errors.Is(err, article.ErrInvalidID) &&
			!errors.Is(err, article.ErrUnavailable) && !errors.Is(err, store.ErrUnavailable) &&
			!errors.Is(err, render.ErrBusy) && !errors.Is(err, render.ErrEmpty) &&
			!errors.Is(err, context.Canceled)
	}
	return !m.RenderedAt.Before(since)
}

// listen is what the audio route serves: render.Listen within the
// client's budget, or only what is stored when listeners do not start
// renders (ECOUTER_RENDER_ON_LISTEN=false).
func (s *Server) listen(c echo.Context, id string) (*render.Manifest, *render.Stream, error) {
	ctx := c.Request().Context()
	if s.cfg.NoListenRenders {
		m, err := s.storedOnly(ctx, id)
		if errors.Is(err, errRunning) {
			return s.renders.Listen(ctx, id) // joins the render the CMS started
		}
		return m, nil, err
	}
	done, err := s.admit(c, id)
	if err != nil {
		return nil, nil, err
	}
	m, stream, err := s.renders.Listen(ctx, id)
	done(stream != nil)
	return m, stream, err
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
	done(startedRender(m, err, since))
	return m, err
}

// errRunning: not stored yet, but a render (from the CMS) is running.
var errRunning = errors.New("render running")

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
