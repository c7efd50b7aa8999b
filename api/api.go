// Package api is ecouter's HTTP interface, and the only package that knows
// Echo: routes, thin handlers, and the one place errors become statuses.
package api

import (
	"context"
	"log/slog"
	"math"
	"net"
	"net/http"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"
	"github.com/prometheus/client_golang/prometheus"

	"ecouter/delivery"
	"ecouter/feed"
	"ecouter/jobs"
)

// Config holds what the HTTP layer needs to know.
type Config struct {
	APIKey         string     // empty: state-changing endpoints are refused
	PublicURL      string     // base of the links handed out; empty: from the request
	AllowedOrigins []string   // sites that may embed the player (CORS); empty: none
	Feed           FeedConfig // podcast feed settings and the source's listing

	// NoListenRenders keeps listeners' requests from starting renders:
	// only what the CMS hook and batches rendered is served
	// (ECOUTER_RENDER_ON_LISTEN=false).
	NoListenRenders bool
	// ListenRendersPerMinute is each client's budget of renders started
	// by listening (audio, download, transcript, chapters); 0: no limit.
	ListenRendersPerMinute int
	// ListenRendersGlobalPerMinute caps the renders listeners start over
	// all clients, on this node; 0: no cap.
	ListenRendersGlobalPerMinute int
	// NetsPer48 is how many /64s of one IPv6 /48 keep budgets of their
	// own before the others share the /48's; 0: DefaultNetsPer48;
	// negative: every /64 keeps its own.
	NetsPer48 int
	// TrustedProxies are the proxies whose X-Forwarded-For names the
	// client; empty: the header is ignored.
	TrustedProxies []*net.IPNet
	// Unknown forgets the source's "not found" answers for an article, so
	// that POST render asks the source again; may be nil.
	Unknown Forgetter
	// Jobs is the render queue renders without an answer go through:
	// the cluster's, or a lone node's in process. Required.
	Jobs jobs.Queue
	// Changes, if set, subscribes a function to the IDs of articles whose
	// audio changed on any node, so caches are refreshed at once.
	Changes func(func(id string))
	// Ready are the checks GET /readyz runs (store, speech engine, NATS).
	Ready []Check
	// Live are the checks GET /healthz runs: a failure means the process
	// cannot recover by itself (its NATS connection closed for good) and
	// must be restarted.
	Live []Check
	// Stored is what is stored (manifests, audio, listing, withdrawals):
	// the render.Archive.
	Stored Stored
	// Narration reads articles and tells their script and content key
	// without rendering them: the render.Narrator.
	Narration Narration
	// Budget is the paid engine's daily spending cap; nil: none. Once it
	// is spent, listens that would start a render get 503 at once.
	Budget interface {
		Exhausted() (until time.Time, spent bool)
	}
}

// Forgetter forgets what is remembered about an article.
type Forgetter interface{ Forget(id string) }

// Check is one readiness check.
type Check struct {
	Name  string
	Check func(context.Context) error
}

// Server holds the handlers' dependencies.
type Server struct {
	renders   Renders
	stored    Stored
	narration Narration
	cfg       Config
	log       *slog.Logger
	limit     *listenLimit // nil: no limit
	starting  *starting    // listeners' renders being admitted or started
	backoff   *backoff
	ready     *readiness
	files     *delivery.OpenFiles // the stored MP3s served lately, kept open
	feeds     *feed.Cache
}

// New builds the HTTP application with every route (routes.go). renders
// is what the handlers ask of rendering; cfg.Stored and cfg.Narration
// what they ask of what is stored and of articles. It is an
// http.Handler, so that Echo stays inside this package.
func New(renders Renders, cfg Config, log *slog.Logger, gatherer prometheus.Gatherer) http.Handler {
	s := &Server{renders: renders, stored: cfg.Stored, narration: cfg.Narration, cfg: cfg, log: log,
		limit:   newListenLimit(cfg.ListenRendersPerMinute, cfg.ListenRendersGlobalPerMinute),
		backoff: newBackoff(), ready: newReadiness(cfg.Ready, log), starting: newStarting(),
		files: delivery.NewOpenFiles(delivery.DefaultOpenFiles)}
	s.feeds = s.newFeeds()
	if s.limit != nil && cfg.NetsPer48 != 0 {
		s.limit.per48 = cfg.NetsPer48
		if cfg.NetsPer48 < 0 {
			s.limit.per48 = math.MaxInt
		}
	}
	if cfg.Changes != nil {
		cfg.Changes(s.files.DropArticle)
		cfg.Changes(func(string) { s.feeds.Invalidate() })
	}
	e := echo.New()
	e.HideBanner = true
	e.HidePort = true
	e.HTTPErrorHandler = s.handleError
	e.IPExtractor = clientIP(cfg.TrustedProxies)
	s.routes(e, gatherer)
	return e
}

// HTTPServer wraps the application with timeouts that protect against
// slow clients without cutting long audio downloads: there is no global
// write timeout, since a 20-minute MP3 on a slow phone takes its time.
// Serve it on Listener(ln) so that even net/http's own errors are JSON.
func HTTPServer(addr string, h http.Handler) *http.Server {
	return &http.Server{
		Addr:              addr,
		Handler:           h,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		IdleTimeout:       120 * time.Second,
		MaxHeaderBytes:    64 << 10,
		ConnContext:       ConnContext,
	}
}

// forget makes the next read of the article ask the source.
func (s *Server) forget(id string) {
	if s.cfg.Unknown != nil {
		s.cfg.Unknown.Forget(id)
	}
}

// clientIP is how a request's client is told: the connection's address,
// or behind trusted proxies the first address of X-Forwarded-For, from the
// right, that is not one of them.
func clientIP(trusted []*net.IPNet) echo.IPExtractor {
	if len(trusted) == 0 {
		return echo.ExtractIPDirect()
	}
	opts := []echo.TrustOption{echo.TrustLoopback(false), echo.TrustLinkLocal(false), echo.TrustPrivateNet(false)}
	for _, n := range trusted {
		opts = append(opts, echo.TrustIPRange(n))
	}
	return echo.ExtractIPFromXFFHeader(opts...)
}

// secureHeaders are on every answer, errors included: no content sniffing
// (an MP3 or JSON must never be run as a page), and no article URL leaked
// to other sites through the Referer.
func secureHeaders(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		h := c.Response().Header()
		h["X-Content-Type-Options"] = nosniff
		h["Referrer-Policy"] = noReferrer
		return next(c)
	}
}

// The values of secureHeaders, shared by every response rather than
// allocated for each (Header.Set would): headers are replaced or
// appended to, which copies, never written in place.
var (
	nosniff    = []string{"nosniff"}
	noReferrer = []string{"no-referrer"}
)

func (s *Server) logRequests() echo.MiddlewareFunc {
	return middleware.RequestLoggerWithConfig(middleware.RequestLoggerConfig{
		LogStatus: true, LogURI: true, LogMethod: true, LogLatency: true, LogResponseSize: true,
		// The error response is written before the line is logged, so its
		// status and size are the ones sent (else bytes=0 and status 200).
		HandleError: true,
		LogValuesFunc: func(c echo.Context, v middleware.RequestLoggerValues) error {
			// Checked first: the line's arguments cost allocations on
			// every cached GET even when the level drops it.
			if !s.log.Enabled(c.Request().Context(), slog.LevelInfo) {
				return nil
			}
			s.log.Info("request", "method", v.Method, "uri", redactQuery(v.URI), "status", v.Status,
				"bytes", v.ResponseSize, "took_ms", v.Latency.Milliseconds())
			return nil
		},
	})
}
