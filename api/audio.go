package api

import (
	"errors"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"ecouter/delivery"
	"ecouter/render"
)

// audio serves an article's MP3. A stored render is served as a file
// (ranges, HEAD and conditional requests through http.ServeContent). When
// there is none yet, the render starts and the MP3 is streamed as it is
// encoded; listeners arriving meanwhile join the same stream.
func (s *Server) audio(c echo.Context) error {
	ctx := c.Request().Context()
	id := c.Param("id")
	defer s.cutOnWithdrawal(c, id)()
	m, stream, ended, err := s.listen(c, id)
	if err != nil {
		return err
	}
	h := c.Response().Header()
	h[echo.HeaderContentType] = audioType // shared (see secureHeaders)
	if stream != nil {
		err := s.stream(c, stream, ended)
		if !errors.Is(err, render.ErrNoLiveStream) || c.Response().Committed {
			return err
		}
		// The render goes on without a live stream (taken over from a
		// node that died): the listener waits for its stored file, as a
		// download does, and gets it like any stored file.
		if m, err = s.renders.Ensure(ctx, id, render.Options{}); err != nil {
			return err
		}
		h[echo.HeaderContentType] = audioType
	}
	v := c.QueryParam("v")
	current := v == "" || strings.HasPrefix(m.Key, v)
	if current {
		if f := s.files.Get(m.Audio); f != nil {
			defer s.files.Done(f)
			audioHeaders(h, m.Key)
			serveContent(c, f.Section(), m.RenderedAt)
			return nil
		}
	}
	// A versioned URL (the feed's enclosure) gets the very bytes whose
	// length the feed listed, while they are kept.
	blob, key, err := s.stored.OpenVersion(ctx, m, v)
	if err != nil {
		return err
	}
	info := blob.Info()
	mod := m.RenderedAt
	if key != m.Key {
		mod = info.ModTime
	}
	audioHeaders(h, key)
	if of, ok := blob.(delivery.OSFiler); ok && key == m.Key {
		f := s.files.Put(m.ID, info.Key, of.OSFile(), info.Size, info.ModTime)
		defer s.files.Done(f)
		serveContent(c, f.Section(), mod)
		return nil
	}
	defer blob.Close()
	serveContent(c, blob, mod)
	return nil
}

// audioHeaders are the stored MP3's validator and lifetimes.
func audioHeaders(h http.Header, key string) {
	// The content key names these exact bytes: a strong validator.
	h.Set("ETag", `"`+key+`"`)
	h["Cache-Control"] = audioCache
}

var (
	audioType = []string{"audio/mpeg"}
	// Short browser lifetime (the article may be edited), longer at the
	// CDN, and stale copies allowed while the CDN revalidates.
	audioCache = []string{"public, max-age=300, s-maxage=3600, stale-while-revalidate=86400"}
)

// stream sends a render in progress: chunked, no ranges (the length is not
// known yet), never cached, flushed as frames arrive. ended is told how
// the render ended, when the listener stayed to see it.
func (s *Server) stream(c echo.Context, st *render.Stream, ended func(error)) error {
	r := st.Reader(c.Request().Context())
	buf := make([]byte, 32<<10)
	// Wait for the first audio before answering: a render that fails on
	// its first sentence still gets its proper status.
	n, err := r.Read(buf)
	if err != nil && err != io.EOF {
		ended(err)
		return err
	}
	h := c.Response().Header()
	h.Set("Accept-Ranges", "none")
	h.Set("Cache-Control", "no-store")
	c.Response().WriteHeader(http.StatusOK)
	if c.Request().Method == http.MethodHead {
		return nil
	}
	for {
		if n == 0 && err == nil {
			n, err = r.Read(buf)
		}
		if n > 0 {
			if _, werr := c.Response().Write(buf[:n]); werr != nil {
				return nil // the listener left; the render goes on
			}
			c.Response().Flush()
			n = 0
		}
		if err == io.EOF {
			ended(nil)
			return nil
		}
		if err != nil {
			ended(err)
			if c.Request().Context().Err() == nil && !errors.Is(err, render.ErrWithdrawn) {
				s.log.Error("stream ended by a failed render", "article_id", c.Param("id"), "err", err)
			}
			// Abort the connection so the client sees a broken download,
			// not a complete-looking truncated MP3.
			panic(http.ErrAbortHandler)
		}
	}
}

// serveContent hands the underlying ResponseWriter and, for local files,
// the *os.File itself to delivery (http.ServeContent) so Go can use
// sendfile (Echo's own writer forces a copy); Echo's status and size are
// kept up to date for the request log.
func serveContent(c echo.Context, blob io.ReadSeeker, mod time.Time) {
	content := delivery.Measure(blob)
	res := c.Response()
	w := &recorder{ResponseWriter: res.Writer, res: res, head: c.Request().Method == http.MethodHead, size: content.Size}
	content.Serve(w, c.Request(), mod)
}
