package api

import (
	"context"
	"errors"
	"net/http"

	"github.com/labstack/echo/v4"

	"ecouter/article"
	"ecouter/render"
	"ecouter/synth"
)

// status maps an error to the HTTP status and the message a client may
// see. Internal details stay in the log.
func status(err error) (int, string) {
	var he *echo.HTTPError
	var long *render.TooLongError
	switch {
	case errors.As(err, &he):
		if msg, ok := he.Message.(string); ok {
			return he.Code, msg
		}
		return he.Code, http.StatusText(he.Code)
	case errors.Is(err, article.ErrInvalidID):
		return http.StatusBadRequest, "invalid article id: use 1 to 100 letters, digits, '-' or '_'"
	case errors.Is(err, render.ErrWithdrawn):
		return http.StatusGone, "the article was withdrawn"
	case errors.Is(err, article.ErrNotFound):
		return http.StatusNotFound, "article not found"
	case errors.Is(err, render.ErrNotRendered):
		return http.StatusNotFound, "article not rendered yet"
	case errors.Is(err, article.ErrTimeout):
		return http.StatusGatewayTimeout, "the article source did not answer in time"
	case errors.Is(err, article.ErrUnavailable):
		return http.StatusBadGateway, "the article source is unavailable"
	case errors.As(err, &long):
		return http.StatusUnprocessableEntity, long.Error()
	case errors.Is(err, render.ErrEmpty):
		return http.StatusUnprocessableEntity, "the article has no readable text"
	case errors.Is(err, render.ErrBusy):
		return http.StatusTooManyRequests, "too many articles are being read for the first time: try again shortly"
	case errors.Is(err, synth.ErrThrottled):
		return http.StatusServiceUnavailable, "the speech engine is busy, try again shortly"
	case errors.Is(err, synth.ErrEngine), errors.Is(err, synth.ErrUnavailable):
		return http.StatusServiceUnavailable, "the speech engine failed to read this article"
	case errors.Is(err, context.DeadlineExceeded):
		return http.StatusGatewayTimeout, "rendering took too long"
	default:
		return http.StatusInternalServerError, "internal error"
	}
}

// handleError is Echo's one error handler: it logs server-side failures
// once and answers {"error": "..."}.
func (s *Server) handleError(err error, c echo.Context) {
	if c.Response().Committed {
		return
	}
	code, msg := status(err)
	if errors.Is(err, context.Canceled) && c.Request().Context().Err() != nil {
		return // the client left; nobody to answer
	}
	if code >= 500 {
		s.log.Error("request failed", "method", c.Request().Method, "path", c.Path(),
			"article_id", c.Param("id"), "status", code, "err", err)
	}
	switch code {
	case http.StatusServiceUnavailable:
		c.Response().Header().Set("Retry-After", "30")
	case http.StatusTooManyRequests:
		c.Response().Header().Set("Retry-After", "10")
	}
	if c.Request().Method == http.MethodHead {
		err = c.NoContent(code)
	} else {
		body := map[string]string{"error": msg}
		if errors.Is(err, render.ErrWithdrawn) {
			body["code"] = "withdrawn"
		}
		err = c.JSON(code, body)
	}
	if err != nil {
		s.log.Warn("write error response", "err", err)
	}
}
