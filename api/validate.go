package api

import (
	"github.com/labstack/echo/v4"

	"ecouter/article"
)

// validID refuses, with 400 invalid_id, a route's article ID that could
// not name an article, before any handler or route middleware (the API
// key check, the budget, the cluster) sees it: an ID reaches store keys,
// file names and NATS subjects, and one of 4,100 characters once made the
// NATS server close the node's connection. It runs for every route with
// an :id, present and future.
func validID(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		if c.Path() == demoRoute {
			return next(c) // checked first by the page itself, answered in HTML
		}
		for _, name := range c.ParamNames() {
			if name == "id" {
				if err := article.ValidID(c.Param("id")); err != nil {
					return err
				}
				break
			}
		}
		return next(c)
	}
}
