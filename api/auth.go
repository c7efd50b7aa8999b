package api

import (
	"crypto/sha256"
	"crypto/subtle"
	"strings"

	"github.com/labstack/echo/v4"
)

// requireKey guards endpoints that spend money or change state. Keys are
// compared as hashes in constant time, so neither their content nor their
// length leaks through timing.
func (s *Server) requireKey(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		if s.cfg.APIKey == "" {
			return errNoKey
		}
		// The scheme is case-insensitive (RFC 9110 section 11.1).
		scheme, token, ok := strings.Cut(strings.TrimSpace(c.Request().Header.Get(echo.HeaderAuthorization)), " ")
		ok = ok && strings.EqualFold(scheme, "Bearer")
		want := sha256.Sum256([]byte(s.cfg.APIKey))
		got := sha256.Sum256([]byte(strings.TrimSpace(token)))
		if !ok || subtle.ConstantTimeCompare(want[:], got[:]) != 1 {
			c.Response().Header().Set(echo.HeaderWWWAuthenticate, `Bearer realm="ecouter"`)
			return errWrongKey
		}
		return next(c)
	}
}
