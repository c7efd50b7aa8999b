package api

import (
	"fmt"
	"slices"
	"strings"

	"github.com/labstack/echo/v4"

	"ecouter/article"
	"ecouter/delivery"
	"ecouter/render"
)

// download serves an article's MP3 as an attachment named after its title,
// for saving and listening offline. Unlike audio.mp3 it never streams a
// render in progress (a download must be the whole file, with its length)
// and supports ranges, so interrupted downloads resume.
func (s *Server) download(c echo.Context) error {
	ctx := c.Request().Context()
	defer s.cutOnWithdrawal(c, c.Param("id"))()
	m, err := s.ensure(c, c.Param("id"))
	if err != nil {
		return err
	}
	blob, err := s.stored.Open(ctx, m)
	if err != nil {
		return err
	}
	defer blob.Close()
	h := c.Response().Header()
	h.Set(echo.HeaderContentType, "audio/mpeg")
	h.Set(echo.HeaderContentDisposition, delivery.Attachment(fileName(m), "mp3"))
	h.Set("ETag", `"`+m.Key+`"`)
	h.Set("Cache-Control", "public, max-age=300")
	serveContent(c, blob, m.RenderedAt)
	return nil
}

// fileName is a readable file name for a render, without extension.
func fileName(m *render.Manifest) string { return delivery.FileName(m.Title, m.ID) }

// maxZipArticles bounds one ZIP download.
const maxZipArticles = 50

// parseIDs reads a comma-separated list of article IDs ("" is nil, no
// filter). Any invalid ID, or more than limit, is a 400.
func parseIDs(list string, limit int) ([]string, error) {
	if strings.TrimSpace(list) == "" {
		return nil, nil
	}
	var ids []string
	for _, id := range strings.Split(list, ",") {
		id = strings.TrimSpace(id)
		if err := article.ValidID(id); err != nil {
			return nil, err
		}
		if !slices.Contains(ids, id) {
			ids = append(ids, id)
		}
	}
	if len(ids) > limit {
		return nil, invalid(fmt.Sprintf("too many ids: at most %d", limit))
	}
	return ids, nil
}
