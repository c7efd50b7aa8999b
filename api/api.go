// Package api is ecouter's HTTP interface, and the only package that knows
// Echo: routes, thin handlers, and the one place errors become statuses.
package api

import (
	"log/slog"
	"net/http"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"ecouter/render"
)

// Config holds what the HTTP layer needs to know.
type Config struct {
	APIKey         string     // empty: state-changing endpoints are refused
	PublicURL      string     // base of the links handed out; empty: from the request
	AllowedOrigins []string   // sites that may embed the player (CORS); empty: none
	Feed           FeedConfig // podcast feed settings and the source's listing
}

// Server holds the handlers' dependencies.
type Server struct {
	renders *render.Service
	cfg     Config
	log     *slog.Logger
}

// New builds the Echo application with every route.
func New(renders *render.Service, cfg Config, log *slog.Logger, gatherer prometheus.Gatherer) *echo.Echo {
	s := &Server{renders: renders, cfg: cfg, log: log}
	e := echo.New()
	e.HideBanner = true
	e.HidePort = true
	e.HTTPErrorHandler = s.handleError
	// The request log is outermost, so it sees the response of every
	// request, recovered panics included.
	e.Use(s.logRequests())
	e.Use(middleware.RecoverWithConfig(middleware.RecoverConfig{DisablePrintStack: true}))
	e.Use(cacheTags)

	e.GET("/healthz", func(c echo.Context) error {
		return c.JSON(http.StatusOK, map[string]string{"status": "ok"})
	})
	if gatherer != nil {
		e.GET("/metrics", echo.WrapHandler(promhttp.HandlerFor(gatherer, promhttp.HandlerOpts{})))
	}

	v1 := e.Group("/v1")
	v1.GET("/articles/:id", s.manifest)
	v1.GET("/articles/:id/audio.mp3", s.audio)
	v1.HEAD("/articles/:id/audio.mp3", s.audio)
	v1.GET("/articles/:id/transcript.vtt", s.transcript)
	v1.GET("/articles/:id/script", s.script)
	v1.POST("/articles/:id/render", s.render, s.requireKey, middleware.BodyLimit("64K"))
	s.playerRoutes(e)
	s.feedRoutes(e)
	return e
}

// HTTPServer wraps the application with timeouts that protect against
// slow clients without cutting long audio downloads: there is no global
// write timeout, since a 20-minute MP3 on a slow phone takes its time.
func HTTPServer(addr string, h http.Handler) *http.Server {
	return &http.Server{
		Addr:              addr,
		Handler:           h,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		IdleTimeout:       120 * time.Second,
		MaxHeaderBytes:    64 << 10,
	}
}

func (s *Server) logRequests() echo.MiddlewareFunc {
	return middleware.RequestLoggerWithConfig(middleware.RequestLoggerConfig{
		LogStatus: true, LogURI: true, LogMethod: true, LogLatency: true, LogResponseSize: true,
		// The error response is written before the line is logged, so its
		// status and size are the ones sent (else bytes=0 and status 200).
		HandleError: true,
		LogValuesFunc: func(c echo.Context, v middleware.RequestLoggerValues) error {
			s.log.Info("request", "method", v.Method, "uri", v.URI, "status", v.Status,
				"bytes", v.ResponseSize, "took_ms", v.Latency.Milliseconds())
			return nil
		},
	})
}
