package api

import (
	"errors"
	"strings"
	"time"
)

// The HTTP layer's own refusals: what a request got wrong, or why it is
// turned away. problemOf (errors.go) gives each its status and message.
var (
	// errLimited: a client over its budget of renders started by listening.
	errLimited = errors.New("listen render budget spent")
	// errLimitedAll: every client together over the node's cap on them.
	errLimitedAll = errors.New("listen render cap spent")
	// errBackingOff: the article's last render failed moments ago.
	errBackingOff = errors.New("render held back after a failure")
	// errRunning: not stored yet, but a render (from the CMS) is running.
	errRunning = errors.New("render running")
	// errNoKey: a state-changing endpoint while ECOUTER_API_KEY is unset.
	errNoKey = errors.New("no API key set")
	// errWrongKey: a state-changing request without the API key.
	errWrongKey = errors.New("missing or wrong API key")
	// errNoneRendered: a ZIP download of articles none of which is rendered.
	errNoneRendered = errors.New("none of the articles is rendered")
)

// badRequest is a request the client must change; msg tells how.
type badRequest struct{ msg string }

func (e *badRequest) Error() string { return e.msg }

func invalid(msg string) error { return &badRequest{msg} }

// retryIn is a refusal that knows when the client may try again.
type retryIn struct {
	err  error
	wait time.Duration
}

func (r *retryIn) Error() string { return r.err.Error() }
func (r *retryIn) Unwrap() error { return r.err }

// aboutArticle is an error answering for one article where clients read
// the article's status as they read its manifest: the body names the
// article and its status (the error's code).
type aboutArticle struct {
	id  string
	err error
}

func (a *aboutArticle) Error() string { return a.id + ": " + a.err.Error() }
func (a *aboutArticle) Unwrap() error { return a.err }

// notReady: readiness checks fail (each is logged where it runs).
type notReady struct{ failing []string }

func (n *notReady) Error() string {
	return "not ready: " + strings.Join(n.failing, ", ") + " unavailable"
}

// lost: a part the process cannot rebuild is gone; it must be restarted.
type lost struct{ part string }

func (l *lost) Error() string { return l.part + " lost: restart the process" }
