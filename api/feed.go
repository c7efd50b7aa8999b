package api

import (
	"bytes"
	"context"
	"net/url"
	"time"

	"github.com/labstack/echo/v4"

	"ecouter/article"
	"ecouter/delivery"
	"ecouter/feed"
	"ecouter/render"
)

// FeedConfig is what the feed routes need: the show's settings and,
// optionally, the article source's listing (POST /v1/render {"recent": N}).
type FeedConfig struct {
	feed.Config
	Lister article.Lister // nil: "recent" batches are refused
}

// feedXML serves /feed.xml: the latest rendered articles, or those of
// ?category= or ?ids=, newest first, from the feed cache.
func (s *Server) feedXML(c echo.Context) error {
	ids, err := parseIDs(c.QueryParam("ids"), s.feeds.Limit())
	if err != nil {
		return err
	}
	b, err := s.feeds.Feed(c.Request().Context(), feed.Query{Base: s.base(c), Category: c.QueryParam("category"), IDs: ids})
	if err != nil {
		return err
	}
	// The values are shared by every response (see secureHeaders).
	hdr := c.Response().Header()
	hdr[echo.HeaderContentType] = feedType
	hdr["Cache-Control"] = feedCache
	hdr["Vary"] = varyEncoding
	body, etag := b.Body, b.ETag
	if delivery.AcceptsGzip(c.Request().Header.Get("Accept-Encoding")) {
		body, etag = b.Gzip, b.GzipETag
		hdr["Content-Encoding"] = gzipEncoding
	}
	hdr["Etag"] = etag
	serveContent(c, body.Content(), b.Mod)
	return nil
}

var (
	feedType     = []string{feed.ContentType}
	feedCache    = []string{"public, max-age=300"}
	varyEncoding = []string{"Accept-Encoding"}
	gzipEncoding = []string{"gzip"}
)

// newFeeds is the feed cache over the stored renders; a built feed is
// kept in a file, so it goes out with sendfile.
func (s *Server) newFeeds() *feed.Cache {
	return feed.NewCache(s.cfg.Feed.Config, s.episodes, func(b []byte) feed.Body { return delivery.NewBytes(b) })
}

// episodes lists the stored renders as the feed cache sees them.
func (s *Server) episodes(ctx context.Context) ([]feed.Episode, error) {
	ms, err := s.stored.List(ctx)
	if err != nil {
		return nil, err
	}
	eps := make([]feed.Episode, len(ms))
	for i, m := range ms {
		eps[i] = feed.Episode{ID: m.ID, Version: m.Key, Categories: m.Categories, Date: articleDate(m), Updated: m.RenderedAt,
			Item: func(base string) feed.Item { return feedItem(base, m) }}
	}
	return eps, nil
}

// articleDate is the article's date, or its render's for undated ones.
func articleDate(m *render.Manifest) time.Time {
	if !m.Published.IsZero() {
		return m.Published
	}
	return m.RenderedAt
}

// feedItem describes a render as an episode. The audio URL carries a
// version, so apps fetch new audio after a re-render; the guid does not
// change.
func feedItem(base string, m *render.Manifest) feed.Item {
	art := base + "/v1/articles/" + url.PathEscape(m.ID)
	return feed.Item{
		ID: m.ID, Title: m.Title, Author: m.Author, Link: m.URL,
		Published: m.Published, Updated: m.RenderedAt,
		Excerpt:    feed.Excerpt(m.Cues),
		AudioURL:   art + "/audio.mp3?v=" + version(m.Key),
		Size:       m.Size,
		Duration:   m.Duration,
		Transcript: art + "/transcript.vtt",
		Chapters:   art + "/chapters.json",
	}
}

// version is a short form of the content key for URLs.
func version(key string) string { return key[:min(len(key), 16)] }

// coverPNG serves the default cover, drawn once.
func (s *Server) coverPNG(c echo.Context) error {
	png, etag, err := s.feeds.Cover()
	if err != nil {
		return err
	}
	h := c.Response().Header()
	h.Set(echo.HeaderContentType, "image/png")
	h.Set("ETag", etag)
	h.Set("Cache-Control", "public, max-age=86400")
	serveContent(c, bytes.NewReader(png), time.Time{})
	return nil
}

// chapters serves the render's chapters in the Podcasting 2.0 JSON format,
// rendering the article first if needed (like the transcript), within the
// listener's budget.
func (s *Server) chapters(c echo.Context) error {
	// Through the listeners' admission, as every route that renders:
	// its URL is in every feed item, so a walker would otherwise render
	// outside every budget.
	m, err := s.ensure(c, c.Param("id"))
	if err != nil {
		return err
	}
	b, err := feed.ChaptersJSON(feed.Chapters(m.Cues, m.Duration))
	if err != nil {
		return err
	}
	h := c.Response().Header()
	h.Set(echo.HeaderContentType, feed.ChaptersType)
	h.Set("ETag", `"`+m.Key+`-chapters"`)
	h.Set("Cache-Control", "public, max-age=300")
	serveContent(c, bytes.NewReader(b), m.RenderedAt)
	return nil
}
