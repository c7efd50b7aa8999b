package feed

import (
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"image/png"
	"io"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// shelf is a listing the test changes, counting its reads.
type shelf struct {
	mu    sync.Mutex
	eps   []Episode
	reads atomic.Int64
	fail  error
}

func (s *shelf) list(context.Context) ([]Episode, error) {
	s.reads.Add(1)
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.fail != nil {
		return nil, s.fail
	}
	return append([]Episode(nil), s.eps...), nil
}

func episode(id, version string, day int, cats ...string) Episode {
	date := time.Date(2026, 3, day, 8, 0, 0, 0, time.UTC)
	return Episode{ID: id, Version: version, Categories: cats, Date: date, Updated: date.Add(time.Hour),
		Item: func(base string) Item {
			return Item{ID: id, Title: "Titre " + id, Published: date, Updated: date.Add(time.Hour),
				AudioURL: base + "/v1/articles/" + id + "/audio.mp3?v=" + version, Size: 1000, Duration: 60}
		}}
}

// ids are the guids a built feed lists, in order.
func ids(t *testing.T, b *Built) []string {
	t.Helper()
	body, err := io.ReadAll(b.Body.Content())
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, part := range strings.Split(string(body), "<guid isPermaLink=\"false\">ecouter:")[1:] {
		out = append(out, part[:strings.Index(part, "<")])
	}
	return out
}

const base = "https://audio.exemple-actu.fr"

// TestCacheListsAndFilters: a feed lists the episodes newest article
// first (ties by ID), within the limit, filtered by category (compared as
// slugs) and by IDs, with its links under the request's base.
func TestCacheListsAndFilters(t *testing.T) {
	s := &shelf{eps: []Episode{
		episode("tram", "k1", 2, "Transports"), episode("velo", "k2", 3, "Société", "Transports"),
		episode("meteo", "k3", 1, "Météo"), episode("bus", "k4", 2, "Transports"),
	}}
	c := NewCache(Config{Limit: 3}, s.list, nil)
	ctx := context.Background()
	for _, q := range []struct {
		q    Query
		want string
	}{
		{Query{Base: base}, "velo bus tram"},
		{Query{Base: base, Category: "transports"}, "velo bus tram"},
		{Query{Base: base, Category: "METEO"}, "meteo"},
		{Query{Base: base, IDs: []string{"meteo", "tram"}}, "tram meteo"},
		{Query{Base: base, Category: "sport"}, ""},
	} {
		b, err := c.Feed(ctx, q.q)
		if err != nil {
			t.Fatal(err)
		}
		if got := strings.Join(ids(t, b), " "); got != q.want {
			t.Errorf("%+v: %q, want %q", q.q, got, q.want)
		}
	}
	b, _ := c.Feed(ctx, Query{Base: base})
	body, _ := io.ReadAll(b.Body.Content())
	if !bytes.Contains(body, []byte(base+"/v1/articles/velo/audio.mp3?v=k2")) || !bytes.Contains(body, []byte(base+"/feed.xml")) {
		t.Errorf("links not under the base:\n%s", body)
	}
	if want := time.Date(2026, 3, 3, 9, 0, 0, 0, time.UTC); !b.Mod.Equal(want) {
		t.Errorf("Mod %v, want the newest render, %v", b.Mod, want)
	}
}

// TestCacheReusesAndRebuilds: the listing is read once per TTL, a query
// on the same list gets the very feed built before, and a new audio (a
// new version), once the cache is invalidated, makes a new feed with a
// new validator. The gzipped copy holds the same bytes.
func TestCacheReusesAndRebuilds(t *testing.T) {
	s := &shelf{eps: []Episode{episode("velo", "k1", 3), episode("tram", "k2", 2)}}
	kept := 0
	c := NewCache(Config{}, s.list, func(b []byte) Body { kept++; return memory(b) })
	c.listTTL = time.Hour
	ctx := context.Background()
	first, err := c.Feed(ctx, Query{Base: base})
	if err != nil {
		t.Fatal(err)
	}
	for range 5 {
		again, err := c.Feed(ctx, Query{Base: base})
		if err != nil || again != first {
			t.Fatalf("same query, same list: %p %v, want the feed built before %p", again, err, first)
		}
	}
	if n := s.reads.Load(); n != 1 || kept != 2 {
		t.Fatalf("%d listings read and %d bodies kept, want 1 and 2 (the feed and its gzip)", n, kept)
	}
	zr, err := gzip.NewReader(first.Gzip.Content())
	if err != nil {
		t.Fatal(err)
	}
	unzipped, _ := io.ReadAll(zr)
	plain, _ := io.ReadAll(first.Body.Content())
	if !bytes.Equal(unzipped, plain) || first.ETag[0] == first.GzipETag[0] {
		t.Fatal("the gzipped feed differs, or shares the plain one's ETag")
	}

	s.mu.Lock()
	s.eps[1] = episode("tram", "k3", 2) // re-rendered
	s.mu.Unlock()
	if b, _ := c.Feed(ctx, Query{Base: base}); b != first {
		t.Fatal("the listing was read again within its TTL")
	}
	c.Invalidate()
	next, err := c.Feed(ctx, Query{Base: base})
	if err != nil || next == first || next.ETag[0] == first.ETag[0] || s.reads.Load() != 2 {
		t.Fatalf("after a new audio: %v, same feed %v, same ETag %v, %d reads", err, next == first, next.ETag[0] == first.ETag[0], s.reads.Load())
	}

	// The same episodes again (a listing read anew) are the same feed.
	c.Invalidate()
	if same, _ := c.Feed(ctx, Query{Base: base}); same != next {
		t.Fatal("an unchanged list was built again")
	}
}

// TestCacheListingFails: a listing that fails is the request's error,
// and the next request reads it again.
func TestCacheListingFails(t *testing.T) {
	boom := errors.New("store down")
	s := &shelf{fail: boom}
	c := NewCache(Config{}, s.list, nil)
	if _, err := c.Feed(context.Background(), Query{Base: base}); !errors.Is(err, boom) {
		t.Fatalf("Feed with the listing failing: %v", err)
	}
	s.mu.Lock()
	s.fail = nil
	s.mu.Unlock()
	if _, err := c.Feed(context.Background(), Query{Base: base}); err != nil || s.reads.Load() != 2 {
		t.Fatalf("after the store came back: %v, %d reads", err, s.reads.Load())
	}
}

// TestCacheCover: the default cover is drawn once, with a stable ETag.
func TestCacheCover(t *testing.T) {
	c := NewCache(Config{Title: "L'Écho"}, (&shelf{}).list, nil)
	a, tagA, err := c.Cover()
	if err != nil {
		t.Fatal(err)
	}
	b, tagB, _ := c.Cover()
	if _, err := png.Decode(bytes.NewReader(a)); err != nil || &a[0] != &b[0] || tagA != tagB || len(tagA) < 4 {
		t.Fatalf("cover: %v, drawn twice %v, ETags %s %s", err, &a[0] != &b[0], tagA, tagB)
	}
}
