package api

import (
	"archive/zip"
	"errors"
	"fmt"
	"io"
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"ecouter/delivery"
	"ecouter/render"
)

// downloads streams a ZIP of several rendered articles (?ids=a,b,c), for
// taking a week's reads offline. MP3 does not compress: entries are
// stored, and the archive is written straight to the response, never
// built in memory or on disk. Articles not rendered are left out; none
// rendered is a 404.
func (s *Server) downloads(c echo.Context) error {
	ids, err := parseIDs(c.QueryParam("ids"), maxZipArticles)
	if err != nil {
		return err
	}
	if ids == nil {
		return invalid("give the articles as ?ids=a,b,c")
	}
	ctx := c.Request().Context()
	var ms []*render.Manifest
	for _, id := range ids {
		m, err := s.stored.Manifest(ctx, id)
		if errors.Is(err, render.ErrNotRendered) || errors.Is(err, render.ErrWithdrawn) {
			continue
		}
		if err != nil {
			return err
		}
		ms = append(ms, m)
	}
	if len(ms) == 0 {
		return errNoneRendered
	}

	h := c.Response().Header()
	h.Set(echo.HeaderContentType, "application/zip")
	h.Set(echo.HeaderContentDisposition, delivery.Attachment("ecouter-"+time.Now().Format(time.DateOnly), "zip"))
	h.Set("Cache-Control", "no-store")
	c.Response().WriteHeader(http.StatusOK)

	zw := zip.NewWriter(c.Response())
	used := map[string]bool{}
	for i, m := range ms {
		// Numbered, so players list them in the order asked for.
		name := fmt.Sprintf("%02d %s.mp3", i+1, fileName(m))
		if used[name] {
			name = fmt.Sprintf("%02d %s (%s).mp3", i+1, fileName(m), m.ID)
		}
		used[name] = true
		if err := s.addToZip(c, zw, name, m); err != nil {
			// The status is sent: cut the connection so the client sees a
			// failed download, not a short archive.
			s.log.Error("zip download failed", "article_id", m.ID, "err", err)
			panic(http.ErrAbortHandler)
		}
	}
	if err := zw.Close(); err != nil {
		s.log.Warn("zip download ended early", "err", err)
	}
	return nil
}

func (s *Server) addToZip(c echo.Context, zw *zip.Writer, name string, m *render.Manifest) error {
	blob, err := s.stored.Open(c.Request().Context(), m)
	if err != nil {
		return err
	}
	defer blob.Close()
	w, err := zw.CreateHeader(&zip.FileHeader{Name: name, Method: zip.Store, Modified: m.RenderedAt})
	if err != nil {
		return err
	}
	if _, err := io.Copy(w, blob); err != nil {
		return fmt.Errorf("copy %s into zip: %w", m.ID, err)
	}
	return nil
}
