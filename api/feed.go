package api

import "github.com/labstack/echo/v4"

// feedRoutes serves the podcast feed, chapters and downloads.
func (s *Server) feedRoutes(e *echo.Echo) {}
