package render

import (
	"context"
	"errors"
	"fmt"
	"path"
	"slices"
	"sync"

	"ecouter/article"
	"ecouter/store"
)

// listing lists every rendered article's manifest. The feed lists every
// few seconds; read whole each time, a store of thousands of articles
// would cost two requests per article on S3 (the manifest and its audio's
// stat) and as many JSON decodings. A manifest is read again only when its
// blob changed since the last listing (size, time or ETag), and its audio
// is looked for in the listing itself.
type listing struct {
	rec records

	mu   sync.Mutex
	seen map[string]listed // manifest key -> its blob and content last listed
}

type listed struct {
	info store.Info
	m    *Manifest
}

func newListing(rec records) *listing { return &listing{rec: rec, seen: map[string]listed{}} }

// manifests returns the manifests of every rendered article, newest render
// first. The manifests may be shared with earlier and later callers: they
// must not be changed.
func (l *listing) manifests(ctx context.Context) ([]*Manifest, error) {
	infos, err := l.rec.st.List(ctx, articlesPrefix)
	if err != nil {
		return nil, fmt.Errorf("list renders: %w", err)
	}
	present := make(map[string]bool, len(infos))
	for _, in := range infos {
		present[in.Key] = true
	}
	l.mu.Lock()
	prev := l.seen
	l.mu.Unlock()
	seen := make(map[string]listed, len(prev))
	var out []*Manifest
	for _, in := range infos {
		if path.Base(in.Key) != "manifest.json" {
			continue
		}
		id := path.Base(path.Dir(in.Key))
		if article.ValidID(id) != nil {
			continue
		}
		m := prev[in.Key].m
		if p := prev[in.Key].info; m == nil || p.Size != in.Size || !p.ModTime.Equal(in.ModTime) || p.ETag != in.ETag {
			m, err = l.rec.rawManifest(ctx, id)
			if errors.Is(err, store.ErrNotFound) {
				continue // removed since the listing
			}
			if err != nil {
				return nil, fmt.Errorf("manifest %s: %w", id, err)
			}
		}
		seen[in.Key] = listed{info: in, m: m}
		// A manifest whose audio went missing is no render at all. Audio
		// stored after the listing had passed its key is asked for.
		if !present[m.Audio] {
			if _, err := l.rec.st.Stat(ctx, m.Audio); errors.Is(err, store.ErrNotFound) {
				continue
			} else if err != nil {
				return nil, fmt.Errorf("manifest %s: %w", id, err)
			}
		}
		out = append(out, m)
	}
	l.mu.Lock()
	l.seen = seen
	l.mu.Unlock()
	slices.SortFunc(out, func(a, b *Manifest) int { return b.RenderedAt.Compare(a.RenderedAt) })
	return out, nil
}
