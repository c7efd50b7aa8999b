package api

import "github.com/labstack/echo/v4"

// playerRoutes serves the embeddable player and the demo page.
func (s *Server) playerRoutes(e *echo.Echo) {}
