package api

import (
	"io"
	"net/http"
	"os"
	"time"

	"github.com/labstack/echo/v4"

	"ecouter/render"
)

// audio serves an article's MP3, rendering it on first request. Complete
// files only: ranges, HEAD and conditional requests come from
// http.ServeContent.
func (s *Server) audio(c echo.Context) error {
	ctx := c.Request().Context()
	m, err := s.renders.Ensure(ctx, c.Param("id"), render.Options{})
	if err != nil {
		return err
	}
	blob, err := s.renders.Open(ctx, m)
	if err != nil {
		return err
	}
	defer blob.Close()
	h := c.Response().Header()
	h.Set(echo.HeaderContentType, "audio/mpeg")
	// The content key names these exact bytes: a strong validator.
	h.Set("ETag", `"`+m.Key+`"`)
	// Short browser lifetime (the article may be edited), longer at the
	// CDN, and stale copies allowed while the CDN revalidates.
	h.Set("Cache-Control", "public, max-age=300, s-maxage=3600, stale-while-revalidate=86400")
	h.Set("X-Content-Type-Options", "nosniff")
	serveContent(c, blob, m.RenderedAt)
	return nil
}

// osFiler is a blob backed by a local file.
type osFiler interface{ OSFile() *os.File }

// serveContent hands the underlying ResponseWriter and, for local files,
// the *os.File itself to http.ServeContent so Go can use sendfile (Echo's
// own writer forces a copy); Echo's status and size are kept up to date for
// the request log.
func serveContent(c echo.Context, blob io.ReadSeeker, mod time.Time) {
	var content io.ReadSeeker = blob
	if f, ok := blob.(osFiler); ok {
		content = f.OSFile()
	}
	res := c.Response()
	w := &recorder{ResponseWriter: res.Writer, res: res}
	http.ServeContent(w, c.Request(), "", mod, content)
}
