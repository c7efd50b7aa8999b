package api

import (
	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// routes is every route of the service and its middleware, in the order
// they run.
func (s *Server) routes(e *echo.Echo, gatherer prometheus.Gatherer) {
	e.Pre(secureHeaders)
	// The request log is outermost, so it sees the response of every
	// request, recovered panics included.
	e.Use(s.logRequests())
	e.Use(middleware.RecoverWithConfig(middleware.RecoverConfig{DisablePrintStack: true}))
	e.Use(validID)
	e.Use(cacheTags)
	if len(s.cfg.AllowedOrigins) > 0 {
		e.Use(s.cors()) // the public read routes, to the sites embedding the player
	}
	keyed := []echo.MiddlewareFunc{s.requireKey}
	withBody := []echo.MiddlewareFunc{s.requireKey, middleware.BodyLimit("64K")}

	// Probes and figures.
	e.GET("/healthz", s.healthz)
	e.GET("/readyz", s.readyz)
	if gatherer != nil {
		e.GET("/metrics", echo.WrapHandler(promhttp.HandlerFor(gatherer, promhttp.HandlerOpts{})))
	}

	// An article's audio and what goes with it.
	v1 := e.Group("/v1")
	v1.GET("/articles/:id", s.manifest)
	v1.GET("/articles/:id/audio.mp3", s.audio)
	v1.HEAD("/articles/:id/audio.mp3", s.audio)
	v1.GET("/articles/:id/transcript.vtt", s.transcript)
	v1.GET("/articles/:id/script", s.script)
	v1.POST("/articles/:id/render", s.render, withBody...)

	// The render queue.
	v1.GET("/jobs", s.jobs, keyed...)
	v1.POST("/jobs/retry", s.retryJobs, withBody...)

	// The embeddable player and the demo page.
	e.GET("/player.js", playerScript)
	e.HEAD("/player.js", playerScript)
	e.GET(demoRoute, s.demo)

	// The podcast feed, chapters, downloads, batches and withdrawal.
	e.GET("/feed.xml", s.feedXML)
	e.HEAD("/feed.xml", s.feedXML)
	e.GET("/cover.png", s.coverPNG)
	e.HEAD("/cover.png", s.coverPNG)
	e.GET("/v1/articles/:id/chapters.json", s.chapters)
	e.GET("/v1/articles/:id/download", s.download)
	e.HEAD("/v1/articles/:id/download", s.download)
	e.GET("/v1/downloads", s.downloads)
	e.POST("/v1/render", s.renderBatch, withBody...)
	e.DELETE("/v1/articles/:id", s.withdraw, keyed...)
}
