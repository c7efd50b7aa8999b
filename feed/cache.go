package feed

import (
	"bytes"
	"cmp"
	"compress/gzip"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"net/url"
	"slices"
	"strings"
	"sync"
	"time"

	"golang.org/x/sync/singleflight"

	"ecouter/article"
)

// Episode is one rendered article as the feed cache lists it.
type Episode struct {
	ID         string
	Version    string // names the audio's exact bytes (its content key)
	Categories []string
	Date       time.Time // the article's date, or its render's if undated: the feed's order
	Updated    time.Time // when the audio was rendered
	// Item describes the episode with its links under base; called only
	// for the episodes a feed lists, when it is built.
	Item func(base string) Item
}

// Body is a built feed's bytes kept for serving.
type Body interface {
	// Content is a reader of the bytes from their start, for one request.
	Content() io.ReadSeeker
}

// Query is what one feed request asks for.
type Query struct {
	Base     string   // the public URL links start with
	Category string   // ?category=, as given; empty: any
	IDs      []string // ?ids=, checked; nil: any
}

// Built is a feed ready to serve, shared by every request for it: its
// fields must not be changed.
type Built struct {
	Body, Gzip     Body      // Gzip holds the body gzipped once: podcast apps ask for gzip, and it is 20x smaller
	Mod            time.Time // the newest render listed
	ETag, GzipETag []string  // the header values of Body's and Gzip's ETag
}

// Cache serves feeds built from a listing: the listing is read at most
// every listTTL (or after Invalidate), and a feed is built once per
// distinct list of (article, audio) and query.
type Cache struct {
	cfg     Config
	list    func(context.Context) ([]Episode, error)
	keep    func([]byte) Body
	listTTL time.Duration
	group   singleflight.Group

	mu     sync.Mutex
	listed time.Time
	eps    []Episode // newest article first
	gen    uint64    // counts the lists read, so a resolved feed names its list
	built  map[string]*Built
	// resolved is the feed each query got from list gen: the same query
	// on the same list skips picking the items and hashing them into the
	// cache key, which cost about a tenth of a cached feed request.
	resolved map[string]resolved

	coverOnce sync.Once
	cover     []byte
	coverTag  string
	coverErr  error
}

type resolved struct {
	gen uint64
	b   *Built
}

// maxBuilt bounds the cache of built feeds (one per query and list).
const maxBuilt = 64

// DefaultListTTL is how long a listing is reused.
const DefaultListTTL = 5 * time.Second

// NewCache serves the feeds of cfg (its defaults filled) over the
// episodes list returns. keep holds a built feed's bytes for serving;
// nil: in memory.
func NewCache(cfg Config, list func(context.Context) ([]Episode, error), keep func([]byte) Body) *Cache {
	if keep == nil {
		keep = func(b []byte) Body { return memory(b) }
	}
	return &Cache{cfg: cfg.WithDefaults(), list: list, keep: keep, listTTL: DefaultListTTL,
		built: map[string]*Built{}, resolved: map[string]resolved{}}
}

// memory is a Body in memory.
type memory []byte

func (m memory) Content() io.ReadSeeker { return bytes.NewReader(m) }

// Limit is the most items a feed lists.
func (c *Cache) Limit() int { return c.cfg.Limit }

// Invalidate makes the next feed read the listing again.
func (c *Cache) Invalidate() {
	c.mu.Lock()
	c.listed = time.Time{}
	c.mu.Unlock()
}

// Feed is the feed q asks for: the latest episodes, or those of its
// category or IDs, newest first.
func (c *Cache) Feed(ctx context.Context, q Query) (*Built, error) {
	eps, gen, err := c.episodes(ctx)
	if err != nil {
		return nil, err
	}
	request := q.Base + "\n" + q.Category + "\n" + strings.Join(q.IDs, ",")
	c.mu.Lock()
	r, ok := c.resolved[request]
	c.mu.Unlock()
	if ok && r.gen == gen {
		return r.b, nil
	}
	b, err := c.resolve(q, eps)
	if err != nil {
		return nil, err
	}
	c.mu.Lock()
	if len(c.resolved) >= maxBuilt {
		clear(c.resolved)
	}
	c.resolved[request] = resolved{gen: gen, b: b}
	c.mu.Unlock()
	return b, nil
}

// resolve picks a query's episodes from eps and finds or builds their feed.
func (c *Cache) resolve(q Query, eps []Episode) (*Built, error) {
	category := article.Slug(q.Category)
	var picked []Episode
	for _, e := range eps {
		if len(picked) == c.cfg.Limit {
			break
		}
		if (q.IDs == nil || slices.Contains(q.IDs, e.ID)) && (category == "" || inCategory(e.Categories, category)) {
			picked = append(picked, e)
		}
	}
	self := q.Base + "/feed.xml"
	v := url.Values{}
	if category != "" {
		v.Set("category", category)
	}
	if q.IDs != nil {
		v.Set("ids", strings.Join(q.IDs, ","))
	}
	if len(v) > 0 {
		self += "?" + v.Encode()
	}
	// The cache key names everything the bytes depend on.
	h := sha256.New()
	h.Write([]byte(self + "\n"))
	for _, e := range picked {
		h.Write([]byte(e.ID + " " + e.Version + "\n"))
	}
	key := hex.EncodeToString(h.Sum(nil)[:16])
	return c.build(key, q.Base, self, picked)
}

func (c *Cache) build(key, base, self string, picked []Episode) (*Built, error) {
	c.mu.Lock()
	b, ok := c.built[key]
	c.mu.Unlock()
	if ok {
		return b, nil
	}
	v, err, _ := c.group.Do("build "+key, func() (any, error) {
		b, err := c.encode(key, base, self, picked)
		if err != nil {
			return nil, err
		}
		c.mu.Lock()
		if len(c.built) >= maxBuilt {
			clear(c.built) // old lists: cheaper to rebuild than to track
		}
		c.built[key] = b
		c.mu.Unlock()
		return b, nil
	})
	if err != nil {
		return nil, err
	}
	return v.(*Built), nil
}

// encode builds the feed of picked, and its gzipped copy.
func (c *Cache) encode(key, base, self string, picked []Episode) (*Built, error) {
	cfg := c.cfg
	if cfg.Image == "" {
		cfg.Image = base + "/cover.png"
	}
	if cfg.Link == "" {
		cfg.Link = base + "/"
	}
	items := make([]Item, len(picked))
	var mod time.Time
	for i, e := range picked {
		items[i] = e.Item(base)
		if e.Updated.After(mod) {
			mod = e.Updated
		}
	}
	body, err := Build(cfg, self, items)
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
	return &Built{Body: c.keep(body), Gzip: c.keep(gz.Bytes()), Mod: mod,
		ETag: []string{`"` + key + `"`}, GzipETag: []string{`"` + key + `-gz"`}}, nil
}

// episodes reads the listing, newest article first, at most every
// listTTL; gen names the list.
func (c *Cache) episodes(ctx context.Context) (eps []Episode, gen uint64, err error) {
	c.mu.Lock()
	if time.Since(c.listed) < c.listTTL {
		defer c.mu.Unlock()
		return c.eps, c.gen, nil
	}
	c.mu.Unlock()
	v, err, _ := c.group.Do("list", func() (any, error) {
		eps, err := c.list(context.WithoutCancel(ctx))
		if err != nil {
			return nil, err
		}
		slices.SortStableFunc(eps, func(a, b Episode) int {
			return cmp.Or(b.Date.Compare(a.Date), cmp.Compare(a.ID, b.ID))
		})
		c.mu.Lock()
		c.gen++
		l := listing{eps, c.gen}
		c.eps, c.listed = eps, time.Now()
		c.mu.Unlock()
		return l, nil
	})
	if err != nil {
		return nil, 0, err
	}
	l := v.(listing)
	return l.eps, l.gen, nil
}

// listing is one reading of the episodes.
type listing struct {
	eps []Episode
	gen uint64
}

func inCategory(cats []string, slug string) bool {
	return slices.ContainsFunc(cats, func(c string) bool { return article.Slug(c) == slug })
}

// Cover is the default cover (PNG), drawn once, and its ETag.
func (c *Cache) Cover() (png []byte, etag string, err error) {
	c.coverOnce.Do(func() {
		c.cover, c.coverErr = Cover(c.cfg.Title)
		sum := sha256.Sum256(c.cover)
		c.coverTag = `"` + hex.EncodeToString(sum[:8]) + `"`
	})
	return c.cover, c.coverTag, c.coverErr
}
