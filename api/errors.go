package api

import (
	"context"
	"encoding/json"
	"errors"
	"math"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"ecouter/article"
	"ecouter/jobs"
	"ecouter/render"
	"ecouter/store"
	"ecouter/synth"
)

// problem is what a client is told about a failure: the status, a stable
// code to act on, a message, and when to retry.
type problem struct {
	status int
	code   string
	msg    string
	retry  time.Duration // Retry-After; 0: none
}

// Retry-After defaults by status.
const (
	retryBusy        = 10 * time.Second
	retryUnavailable = 30 * time.Second
)

// problemOf maps an error to what the client may see: the one place
// statuses come from. Internal details stay in the log.
func problemOf(err error) problem {
	p := problemFor(err)
	if ri := (*retryIn)(nil); errors.As(err, &ri) {
		p.retry = ri.wait
	}
	return p
}

// problemFor is problemOf without the refusal's own Retry-After. Order
// matters where an error wraps several sentinels: an article with nothing
// to read is also "source unavailable" (so stored audio keeps being
// served), and a storage that hangs also ends in a deadline.
func problemFor(err error) problem {
	if p, ok := refusalProblem(err); ok {
		return p
	}
	var he *echo.HTTPError
	var long *render.TooLongError
	var ce *synth.CapError
	switch {
	case errors.As(err, &ce):
		return problem{http.StatusServiceUnavailable, "spending_cap",
			"the speech engine's daily spending cap is reached: new articles are read again tomorrow (UTC)", time.Until(ce.Until)}
	case errors.As(err, &he):
		msg, ok := he.Message.(string)
		if !ok {
			msg = http.StatusText(he.Code)
		}
		return problem{status: he.Code, code: codeOf(he.Code), msg: msg}
	case errors.Is(err, article.ErrInvalidID):
		return problem{http.StatusBadRequest, "invalid_id", "invalid article id: use 1 to 100 letters, digits, '-' or '_'", 0}
	case errors.Is(err, article.ErrExcluded):
		// Before withdrawn: audio stored before the site excluded the
		// article is withdrawn with this cause, and the cause is the news.
		return problem{http.StatusNotFound, "excluded", "the site gives this article no audio (excluded category or audio switched off)", 0}
	case errors.Is(err, render.ErrWithdrawn):
		return problem{http.StatusGone, "withdrawn", "the article was withdrawn", 0}
	case errors.Is(err, article.ErrNotFound):
		return problem{http.StatusNotFound, "not_found", "article not found", 0}
	case errors.Is(err, render.ErrNotRendered):
		return problem{http.StatusNotFound, "not_rendered", "article not rendered yet", 0}
	case errors.As(err, &long):
		return problem{http.StatusUnprocessableEntity, "too_long", long.Error(), 0}
	case errors.Is(err, article.ErrEmpty), errors.Is(err, render.ErrEmpty):
		return problem{http.StatusUnprocessableEntity, "no_readable_text", "the article has no readable text", 0}
	case errors.Is(err, store.ErrUnavailable):
		return problem{http.StatusServiceUnavailable, "storage_unavailable", "the audio storage is unavailable, try again shortly", retryUnavailable}
	case errors.Is(err, article.ErrTimeout):
		return problem{http.StatusGatewayTimeout, "source_timeout", "the article source did not answer in time", 0}
	case errors.Is(err, article.ErrUnavailable):
		return problem{http.StatusBadGateway, "source_unavailable", "the article source is unavailable", 0}
	case errors.Is(err, render.ErrNoLiveStream):
		return problem{http.StatusServiceUnavailable, "rendering",
			"this article is being read for the first time: try again in a few seconds", retryBusy}
	case errors.Is(err, render.ErrBusy):
		return problem{http.StatusTooManyRequests, "busy", "too many articles are being read for the first time: try again shortly", retryBusy}
	case errors.Is(err, render.ErrUnavailable), errors.Is(err, jobs.ErrUnavailable):
		return problem{http.StatusServiceUnavailable, "cluster_unavailable",
			"the service cannot reach the other nodes (NATS) to start a render: try again shortly", retryUnavailable}
	case errors.Is(err, synth.ErrThrottled):
		return problem{http.StatusServiceUnavailable, "engine_busy", "the speech engine is busy, try again shortly", retryUnavailable}
	case errors.Is(err, synth.ErrEngine), errors.Is(err, synth.ErrUnavailable):
		return problem{http.StatusServiceUnavailable, "engine_failed", "the speech engine failed to read this article", retryUnavailable}
	case errors.Is(err, context.DeadlineExceeded):
		return problem{http.StatusGatewayTimeout, "timeout", "rendering took too long", 0}
	default:
		return problem{http.StatusInternalServerError, "internal", "internal error", 0}
	}
}

// refusalProblem maps the HTTP layer's own refusals (refusals.go).
func refusalProblem(err error) (problem, bool) {
	var br *badRequest
	var nr *notReady
	var lo *lost
	switch {
	case errors.As(err, &br):
		return problem{http.StatusBadRequest, "bad_request", br.msg, 0}, true
	case errors.Is(err, errNoKey):
		return problem{http.StatusForbidden, "forbidden", "this endpoint is disabled: set ECOUTER_API_KEY to enable it", 0}, true
	case errors.Is(err, errWrongKey):
		return problem{http.StatusUnauthorized, "unauthorized", "missing or wrong API key: send Authorization: Bearer <ECOUTER_API_KEY>", 0}, true
	case errors.Is(err, errNoneRendered):
		return problem{http.StatusNotFound, "not_found", "none of these articles is rendered yet", 0}, true
	case errors.Is(err, article.ErrNoCategory):
		return problem{http.StatusNotFound, "not_found", "no such category", 0}, true
	case errors.Is(err, errLimitedAll):
		return problem{http.StatusTooManyRequests, "rate_limited", "too many articles are read for the first time right now: try again later", 0}, true
	case errors.Is(err, errLimited):
		return problem{http.StatusTooManyRequests, "rate_limited", "too many articles read for the first time from this address: try again later", 0}, true
	case errors.Is(err, errBackingOff):
		return problem{http.StatusServiceUnavailable, "render_failed", "this article could not be read a moment ago: try again later", 0}, true
	case errors.As(err, &nr):
		return problem{http.StatusServiceUnavailable, "not_ready", "not ready: " + nr.failing[0] + " unavailable", retryUnavailable}, true
	case errors.As(err, &lo):
		return problem{http.StatusServiceUnavailable, "unhealthy", lo.Error(), 0}, true
	}
	return problem{}, false
}

// codeOf names a plain HTTP status as an error code: "not_found",
// "method_not_allowed", "requested_range_not_satisfiable"...
func codeOf(status int) string {
	s := strings.ToLower(http.StatusText(status))
	if s == "" {
		return "error"
	}
	return strings.NewReplacer(" ", "_", "-", "_", "'", "").Replace(s)
}

// status is problemOf's status and message.
func status(err error) (int, string) {
	p := problemOf(err)
	return p.status, p.msg
}

// errorBody is every error's JSON.
type errorBody struct {
	Error string `json:"error"`
	Code  string `json:"code"`
	// ID and Status name the article and its status, for the clients
	// that read an error as they read a manifest (aboutArticle).
	ID     string `json:"id,omitempty"`
	Status string `json:"status,omitempty"`
	// Failing are the readiness checks failing (GET /readyz).
	Failing []string `json:"failing,omitempty"`
}

// bodyOf is err's JSON body, p its problem.
func bodyOf(err error, p problem) errorBody {
	b := errorBody{Error: p.msg, Code: p.code}
	var a *aboutArticle
	var nr *notReady
	var lo *lost
	switch {
	case errors.As(err, &a):
		b.ID, b.Status = a.id, p.code
	case errors.As(err, &nr):
		b.Status, b.Failing = "unavailable", nr.failing
	case errors.As(err, &lo):
		b.Status = "unhealthy"
	}
	return b
}

// logged reports whether err was logged where it was found, or is a
// state of the process rather than a failed request (/readyz, /healthz).
func logged(err error) bool {
	var nr *notReady
	var lo *lost
	return errors.As(err, &nr) || errors.As(err, &lo)
}

// handleError is Echo's one error handler: it logs server-side failures
// once and answers {"error": "...", "code": "..."}.
func (s *Server) handleError(err error, c echo.Context) {
	if c.Response().Committed {
		return
	}
	p := problemOf(err)
	if errors.Is(err, context.Canceled) && c.Request().Context().Err() != nil {
		return // the client left; nobody to answer
	}
	if p.status >= 500 && !logged(err) {
		s.log.Error("request failed", "method", c.Request().Method, "path", c.Path(),
			"article_id", c.Param("id"), "status", p.status, "err", err)
	}
	h := c.Response().Header()
	// What the handler set for the content it meant to send does not
	// describe this error (Echo keeps a Content-Type already set).
	for _, k := range []string{echo.HeaderContentType, echo.HeaderContentDisposition, "ETag", "Cache-Control",
		"Last-Modified", "Accept-Ranges", echo.HeaderContentLength} {
		h.Del(k)
	}
	h.Set(echo.HeaderContentType, echo.MIMEApplicationJSON)
	if p.retry > 0 {
		h.Set("Retry-After", retryAfter(p.retry))
	}
	if c.Request().Method == http.MethodHead {
		err = c.NoContent(p.status)
	} else {
		err = c.JSON(p.status, bodyOf(err, p))
	}
	if err != nil {
		s.log.Warn("write error response", "err", err)
	}
}

// retryAfter is a Retry-After in whole seconds, at least 1.
func retryAfter(d time.Duration) string {
	return strconv.Itoa(max(1, int(math.Ceil(d.Seconds()))))
}

// errorJSON is the body of an error whose status net/http chose, written
// outside Echo (by http.ServeContent, or for a request Echo never routes).
func errorJSON(status int) []byte {
	msg := http.StatusText(status)
	switch status {
	case http.StatusBadRequest:
		msg = "malformed request (such as an invalid %-escape in the path)"
	case http.StatusRequestedRangeNotSatisfiable:
		msg = "range not satisfiable: ask for bytes within the file's length"
	}
	b, _ := json.Marshal(errorBody{Error: msg, Code: codeOf(status)})
	return b
}
