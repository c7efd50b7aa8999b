package api

import (
	"bytes"
	"cmp"
	"compress/gzip"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/url"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"
	"golang.org/x/sync/singleflight"

	"ecouter/article"
	"ecouter/feed"
	"ecouter/render"
)

// FeedConfig is what the feed routes need: the show's settings and,
// optionally, the article source's listing (POST /v1/render {"recent": N}).
type FeedConfig struct {
	feed.Config
	Lister article.Lister // nil: "recent" batches are refused
}

// feeds serves the podcast feed from a cache: the list of renders is read
// from the store at most every listTTL (or after a batch render), and a
// feed is built once per distinct list of (article, audio) and query.
type feeds struct {
	s       *Server
	cfg     feed.Config
	listTTL time.Duration
	group   singleflight.Group

	mu     sync.Mutex
	listed time.Time
	list   []*render.Manifest // newest article first
	gen    uint64             // counts the lists read, so a resolved feed names its list
	built  map[string]builtFeed
	// resolved is the feed each request (base URL and query) got from
	// list gen: the same request on the same list skips picking the
	// items and hashing them into the cache key, which cost about a
	// tenth of a cached feed request.
	resolved map[string]resolvedFeed

	coverOnce sync.Once
	cover     []byte
	coverErr  error
}

type resolvedFeed struct {
	gen        uint64
	key        string
	b          builtFeed
	etag, etgz []string // the ETag values of the feed and its gzip copy
}

type builtFeed struct {
	body *feedFile
	gz   *feedFile // body gzipped once: podcast apps ask for gzip, and it is 20x smaller
	mod  time.Time
}

// maxBuilt bounds the cache of built feeds (one per query and list).
const maxBuilt = 64

// feedRoutes serves the podcast feed, chapters and downloads.
func (s *Server) feedRoutes(e *echo.Echo) {
	f := &feeds{
		s: s, cfg: s.cfg.Feed.Config.WithDefaults(), listTTL: 5 * time.Second,
		built: map[string]builtFeed{}, resolved: map[string]resolvedFeed{},
	}
	if s.cfg.Changes != nil {
		s.cfg.Changes(func(string) { f.invalidate() })
	}
	e.GET("/feed.xml", f.feed)
	e.HEAD("/feed.xml", f.feed)
	e.GET("/cover.png", f.coverPNG)
	e.HEAD("/cover.png", f.coverPNG)
	e.GET("/v1/articles/:id/chapters.json", s.chapters)
	e.GET("/v1/articles/:id/download", s.download)
	e.HEAD("/v1/articles/:id/download", s.download)
	e.GET("/v1/downloads", s.downloads)
	e.POST("/v1/render", f.renderBatch, s.requireKey, middleware.BodyLimit("64K"))
	e.DELETE("/v1/articles/:id", f.withdraw, s.requireKey)
}

// feed serves /feed.xml: the latest rendered articles, or those of
// ?category= or ?ids=, newest first.
func (f *feeds) feed(c echo.Context) error {
	ids, err := parseIDs(c.QueryParam("ids"), f.cfg.Limit)
	if err != nil {
		return err
	}
	list, gen, err := f.manifests(c.Request().Context())
	if err != nil {
		return err
	}
	base := f.s.base(c)
	request := base + "\n" + c.QueryParam("category") + "\n" + c.QueryParam("ids")
	f.mu.Lock()
	r, ok := f.resolved[request]
	f.mu.Unlock()
	if !ok || r.gen != gen {
		if r, err = f.resolve(c, base, ids, list); err != nil {
			return err
		}
		r.gen = gen
		f.mu.Lock()
		if len(f.resolved) >= maxBuilt {
			clear(f.resolved)
		}
		f.resolved[request] = r
		f.mu.Unlock()
	}
	// The values are shared by every response (see secureHeaders).
	hdr := c.Response().Header()
	hdr[echo.HeaderContentType] = feedType
	hdr["Cache-Control"] = feedCache
	hdr["Vary"] = varyEncoding
	body, etag := r.b.body, r.etag
	if acceptsGzip(c.Request().Header.Get("Accept-Encoding")) {
		body, etag = r.b.gz, r.etgz
		hdr["Content-Encoding"] = gzipEncoding
	}
	hdr["Etag"] = etag
	serveContent(c, body.content(), r.b.mod)
	return nil
}

var (
	feedType     = []string{feed.ContentType}
	feedCache    = []string{"public, max-age=300"}
	varyEncoding = []string{"Accept-Encoding"}
	gzipEncoding = []string{"gzip"}
)

// resolve picks a request's items from list and finds or builds their feed.
func (f *feeds) resolve(c echo.Context, base string, ids []string, list []*render.Manifest) (resolvedFeed, error) {
	category := article.Slug(c.QueryParam("category"))
	var picked []*render.Manifest
	for _, m := range list {
		if len(picked) == f.cfg.Limit {
			break
		}
		if (ids == nil || slices.Contains(ids, m.ID)) && (category == "" || inCategory(m.Categories, category)) {
			picked = append(picked, m)
		}
	}

	self := base + "/feed.xml"
	q := url.Values{}
	if category != "" {
		q.Set("category", category)
	}
	if ids != nil {
		q.Set("ids", strings.Join(ids, ","))
	}
	if len(q) > 0 {
		self += "?" + q.Encode()
	}
	// The cache key names everything the bytes depend on.
	h := sha256.New()
	h.Write([]byte(self + "\n"))
	for _, m := range picked {
		h.Write([]byte(m.ID + " " + m.Key + "\n"))
	}
	key := hex.EncodeToString(h.Sum(nil)[:16])

	b, err := f.build(key, base, self, picked)
	if err != nil {
		return resolvedFeed{}, err
	}
	return resolvedFeed{key: key, b: b, etag: []string{`"` + key + `"`}, etgz: []string{`"` + key + `-gz"`}}, nil
}

func (f *feeds) build(key, base, self string, picked []*render.Manifest) (builtFeed, error) {
	f.mu.Lock()
	b, ok := f.built[key]
	f.mu.Unlock()
	if ok {
		return b, nil
	}
	v, err, _ := f.group.Do("build "+key, func() (any, error) {
		cfg := f.cfg
		if cfg.Image == "" {
			cfg.Image = base + "/cover.png"
		}
		if cfg.Link == "" {
			cfg.Link = base + "/"
		}
		items := make([]feed.Item, len(picked))
		var mod time.Time
		for i, m := range picked {
			items[i] = feedItem(base, m)
			if m.RenderedAt.After(mod) {
				mod = m.RenderedAt
			}
		}
		body, err := feed.Build(cfg, self, items)
		if err != nil {
			return nil, err
		}
		if mod.IsZero() {
			mod = time.Now()
		}
		var gz bytes.Buffer
		zw, _ := gzip.NewWriterLevel(&gz, gzip.BestCompression)
		zw.Write(body)
		if err := zw.Close(); err != nil {
			return nil, fmt.Errorf("gzip feed: %w", err)
		}
		b := builtFeed{body: newFeedFile(body), gz: newFeedFile(gz.Bytes()), mod: mod}
		f.mu.Lock()
		if len(f.built) >= maxBuilt {
			clear(f.built) // old lists: cheaper to rebuild than to track
		}
		f.built[key] = b
		f.mu.Unlock()
		return b, nil
	})
	if err != nil {
		return builtFeed{}, err
	}
	return v.(builtFeed), nil
}

// manifests lists the rendered articles, newest article first, reading
// the store at most every listTTL; gen names the list.
func (f *feeds) manifests(ctx context.Context) (list []*render.Manifest, gen uint64, err error) {
	f.mu.Lock()
	if time.Since(f.listed) < f.listTTL {
		defer f.mu.Unlock()
		return f.list, f.gen, nil
	}
	f.mu.Unlock()
	v, err, _ := f.group.Do("list", func() (any, error) {
		list, err := f.s.renders.List(context.WithoutCancel(ctx))
		if err != nil {
			return nil, err
		}
		slices.SortStableFunc(list, func(a, b *render.Manifest) int {
			return cmp.Or(articleDate(b).Compare(articleDate(a)), cmp.Compare(a.ID, b.ID))
		})
		f.mu.Lock()
		f.gen++
		l := listed{list, f.gen}
		f.list, f.listed = list, time.Now()
		f.mu.Unlock()
		return l, nil
	})
	if err != nil {
		return nil, 0, err
	}
	l := v.(listed)
	return l.list, l.gen, nil
}

// listed is one reading of the store's list.
type listed struct {
	list []*render.Manifest
	gen  uint64
}

// invalidate makes the next feed request read the store again.
func (f *feeds) invalidate() {
	f.mu.Lock()
	f.listed = time.Time{}
	f.mu.Unlock()
}

// articleDate is the article's date, or its render's for undated ones.
func articleDate(m *render.Manifest) time.Time {
	if !m.Published.IsZero() {
		return m.Published
	}
	return m.RenderedAt
}

func inCategory(cats []string, slug string) bool {
	return slices.ContainsFunc(cats, func(c string) bool { return article.Slug(c) == slug })
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
func (f *feeds) coverPNG(c echo.Context) error {
	f.coverOnce.Do(func() { f.cover, f.coverErr = feed.Cover(f.cfg.Title) })
	if f.coverErr != nil {
		return f.coverErr
	}
	sum := sha256.Sum256(f.cover)
	h := c.Response().Header()
	h.Set(echo.HeaderContentType, "image/png")
	h.Set("ETag", `"`+hex.EncodeToString(sum[:8])+`"`)
	h.Set("Cache-Control", "public, max-age=86400")
	serveContent(c, bytes.NewReader(f.cover), time.Time{})
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

// acceptsGzip reports whether an Accept-Encoding header takes gzip.
func acceptsGzip(header string) bool {
	for part := range strings.SplitSeq(header, ",") {
		name, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		if !strings.EqualFold(strings.TrimSpace(name), "gzip") {
			continue
		}
		q := strings.ReplaceAll(strings.TrimSpace(params), " ", "")
		return q != "q=0" && q != "q=0.0" && q != "q=0.00" && q != "q=0.000"
	}
	return false
}
