package api

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"ecouter/article"
)

// withdraw takes an article's audio down at once (what a CMS calls when an
// article is unpublished, trashed or deleted): every route of it answers
// 410 from then on, and it leaves the feed and ZIP downloads. A later POST
// render of the article, public again, brings it back.
func (s *Server) withdraw(c echo.Context) error {
	id := c.Param("id")
	if err := s.stored.Withdraw(c.Request().Context(), id, "withdrawn through the API"); err != nil {
		return err
	}
	s.feeds.Invalidate()
	s.files.DropArticle(id)
	return c.JSON(http.StatusOK, map[string]string{"id": id, "status": "withdrawn"})
}

// cacheTags names the article in every answer about it (Cache-Tag for
// Cloudflare, Surrogate-Key for Fastly and others), so a CDN can purge
// all of an article's responses by one tag when it is withdrawn.
func cacheTags(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		// Routes without an article (the feed) skip ValidID, whose error
		// for an empty ID costs allocations on every request.
		if id := c.Param("id"); id != "" && article.ValidID(id) == nil {
			tag := []string{"ecouter-" + id}
			h := c.Response().Header()
			h["Cache-Tag"] = tag
			h["Surrogate-Key"] = tag
		}
		return next(c)
	}
}
