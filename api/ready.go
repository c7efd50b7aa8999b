package api

import (
	"context"
	"log/slog"
	"net/http"
	"sync"
	"time"

	"github.com/labstack/echo/v4"
)

// readyFor is how long a readiness result is reused: load balancers ask
// every few seconds, each of them, and a check may cost a request to S3
// or Polly.
const readyFor = 5 * time.Second

// readiness runs the checks behind GET /readyz.
type readiness struct {
	checks []Check
	log    *slog.Logger

	mu     sync.Mutex
	at     time.Time
	failed []string // names of the failing checks at `at`
}

func newReadiness(checks []Check, log *slog.Logger) *readiness {
	return &readiness{checks: checks, log: log}
}

// failing runs the checks (or reuses the last run) and names those failing.
func (r *readiness) failing(ctx context.Context) []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	if !r.at.IsZero() && time.Since(r.at) < readyFor {
		return r.failed
	}
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	var failed []string
	for _, c := range r.checks {
		if err := c.Check(ctx); err != nil {
			r.log.Warn("not ready", "check", c.Name, "err", err)
			failed = append(failed, c.Name)
		}
	}
	r.at, r.failed = time.Now(), failed
	return failed
}

// readyz tells a load balancer whether to send traffic here: 503 while the
// store or the speech engine fails (details in the log), unlike /healthz,
// which only says the process runs.
func (s *Server) readyz(c echo.Context) error {
	if failed := s.ready.failing(c.Request().Context()); len(failed) > 0 {
		return &notReady{failing: failed}
	}
	return c.JSON(http.StatusOK, map[string]string{"status": "ready"})
}

// healthz tells whatever supervises the process whether to restart it:
// 200 while it runs and can recover by itself, 503 once a part it cannot
// rebuild is gone (the Live checks: NATS closed for good). Cheap checks,
// run every time.
func (s *Server) healthz(c echo.Context) error {
	for _, ch := range s.cfg.Live {
		if err := ch.Check(c.Request().Context()); err != nil {
			return &lost{part: ch.Name}
		}
	}
	return c.JSON(http.StatusOK, map[string]string{"status": "ok"})
}
