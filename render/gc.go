package render

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"path"
	"slices"
	"sync"
	"time"

	"ecouter/store"
)

// orphanAge is how old an MP3 that no manifest names must be before it is
// removed: a render stores its audio a moment before its manifest, and a
// crash between the two leaves such a file behind.
const orphanAge = 10 * time.Minute

// Removed is one blob a collection removed (or, dry, would remove).
type Removed struct {
	Key    string
	Size   int64
	Reason string
}

// Collection is what one collection of the store did.
type Collection struct {
	Removed []Removed
	Freed   int64
	// Bytes is what the store holds after the collection, by kind (audio,
	// manifest, sentence, calibration).
	Bytes map[string]int64
}

// collector removes what the store no longer needs: superseded MP3s
// ECOUTER_KEEP_PREVIOUS after their replacement was stored, MP3s no
// manifest names, and the least recently used cached sentences beyond
// ECOUTER_SENTENCE_CACHE_MAX. It never removes the audio a manifest points
// to as its current render.
type collector struct {
	rec     records
	cfg     Config
	now     func() time.Time
	metrics *Metrics
	run     sync.Mutex // one collection at a time

	mu         sync.Mutex
	used       map[string]time.Time // sentence key -> last read by this process
	cacheBytes int64                // sentence cache size, as last listed plus what was added since
	cacheKnown bool
}

func newCollector(rec records, cfg Config, now func() time.Time, metrics *Metrics) *collector {
	return &collector{rec: rec, cfg: cfg, now: now, metrics: metrics, used: map[string]time.Time{}}
}

// touched records a sentence read from the cache.
func (c *collector) touched(key string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.used[key] = c.now()
}

// added records a sentence written to the cache.
func (c *collector) added(key string, size int64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.cacheBytes += size
	c.used[key] = c.now()
}

// cacheOver reports whether the sentence cache may be over its cap (it is
// not known before a first whole collection).
func (c *collector) cacheOver() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.cfg.SentenceCacheMax > 0 && (!c.cacheKnown || c.cacheBytes > c.cfg.SentenceCacheMax)
}

// collect runs a whole collection; with dry, nothing is removed.
func (c *collector) collect(ctx context.Context, dry bool) (Collection, error) {
	c.run.Lock()
	defer c.run.Unlock()
	infos, err := c.rec.st.List(ctx, "")
	if err != nil {
		return Collection{}, fmt.Errorf("collect: %w", err)
	}
	out := Collection{Bytes: map[string]int64{}}
	var audio, sentences []store.Info
	for _, in := range infos {
		switch keyKind(in.Key) {
		case kindAudio, kindManifest, kindSegments:
			audio = append(audio, in)
		case kindSentence:
			sentences = append(sentences, in)
		}
	}
	for _, group := range byArticle(audio) {
		c.articleGarbage(ctx, group, &out)
	}
	c.sentenceGarbage(sentences, &out)
	err = c.remove(ctx, dry, &out)
	for _, in := range infos {
		out.Bytes[keyKind(in.Key)] += in.Size
	}
	for _, r := range out.Removed {
		out.Bytes[keyKind(r.Key)] -= r.Size
	}
	if !dry {
		c.report(out)
	}
	return out, err
}

// collectArticle collects one article's audio, and the sentence cache if
// it grew over its cap: what a stored render may have made garbage.
func (c *collector) collectArticle(ctx context.Context, id string) (Collection, error) {
	if c.cacheOver() {
		return c.collect(ctx, false)
	}
	c.run.Lock()
	defer c.run.Unlock()
	infos, err := c.rec.st.List(ctx, path.Join("articles", id)+"/")
	if err != nil {
		return Collection{}, fmt.Errorf("collect %s: %w", id, err)
	}
	var out Collection
	c.articleGarbage(ctx, infos, &out)
	err = c.remove(ctx, false, &out)
	for _, r := range out.Removed {
		c.metrics.freed.WithLabelValues(keyKind(r.Key)).Add(float64(r.Size))
	}
	return out, err
}

// articleGarbage finds an article's MP3s to remove. An MP3 was superseded
// when the next newer one was stored; it goes KeepPrevious after that. One
// newer than the current render's is a render being stored or a crash's
// leftover: it goes once older than orphanAge and KeepPrevious.
func (c *collector) articleGarbage(ctx context.Context, infos []store.Info, out *Collection) {
	var mp3s, indexes []store.Info
	current := ""
	for _, in := range infos {
		switch keyKind(in.Key) {
		case kindManifest:
			if m, err := c.rec.rawManifest(ctx, path.Base(path.Dir(in.Key))); err == nil {
				current = m.Audio
			}
		case kindAudio:
			mp3s = append(mp3s, in)
		case kindSegments:
			indexes = append(indexes, in)
		}
	}
	if current == "" {
		return // no readable manifest: nothing can be told apart safely
	}
	defer c.indexGarbage(mp3s, indexes, len(out.Removed), out)
	// Oldest first; S3 times are to the second, so on a tie the current
	// render counts as the newest.
	isCurrent := func(in store.Info) int {
		if in.Key == current {
			return 1
		}
		return 0
	}
	slices.SortFunc(mp3s, func(a, b store.Info) int {
		return cmp.Or(a.ModTime.Compare(b.ModTime), cmp.Compare(isCurrent(a), isCurrent(b)), cmp.Compare(a.Key, b.Key))
	})
	now := c.now()
	past := false // mp3s[i] is older than the current render's
	for i := len(mp3s) - 1; i >= 0; i-- {
		in := mp3s[i]
		switch {
		case in.Key == current:
			past = true
		case past && now.Sub(mp3s[i+1].ModTime) >= c.cfg.KeepPrevious:
			out.Removed = append(out.Removed, Removed{Key: in.Key, Size: in.Size, Reason: "superseded"})
		case !past && now.Sub(in.ModTime) >= max(c.cfg.KeepPrevious, orphanAge):
			out.Removed = append(out.Removed, Removed{Key: in.Key, Size: in.Size, Reason: "no manifest names it"})
		}
	}
}

// indexGarbage finds an article's segment indexes to remove, once its MP3s
// to remove are in out.Removed[before:]. A segment index goes with its
// MP3; one without (the render that was storing it failed) once it is old
// enough not to be one being stored.
func (c *collector) indexGarbage(mp3s, indexes []store.Info, before int, out *Collection) {
	gone := map[string]bool{}
	for _, r := range out.Removed[before:] {
		gone[segmentsKey(r.Key)] = true
	}
	kept := map[string]bool{}
	for _, in := range mp3s {
		kept[segmentsKey(in.Key)] = !gone[segmentsKey(in.Key)]
	}
	for _, in := range indexes {
		if gone[in.Key] || (!kept[in.Key] && c.now().Sub(in.ModTime) >= orphanAge) {
			out.Removed = append(out.Removed, Removed{Key: in.Key, Size: in.Size, Reason: "its audio is removed"})
		}
	}
}

// sentenceGarbage picks the least recently used cached sentences to remove
// until the cache fits in SentenceCacheMax. Use is what this process saw,
// else the entry's time (a cache hit on an old entry rewrites it).
func (c *collector) sentenceGarbage(infos []store.Info, out *Collection) {
	var total int64
	for _, in := range infos {
		total += in.Size
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.cacheBytes, c.cacheKnown = total, true
	listed := make(map[string]bool, len(infos))
	for _, in := range infos {
		listed[in.Key] = true
	}
	for k := range c.used { // removed by another process
		if !listed[k] {
			delete(c.used, k)
		}
	}
	if c.cfg.SentenceCacheMax <= 0 || total <= c.cfg.SentenceCacheMax {
		return
	}
	last := func(in store.Info) time.Time {
		if t, ok := c.used[in.Key]; ok && t.After(in.ModTime) {
			return t
		}
		return in.ModTime
	}
	slices.SortFunc(infos, func(a, b store.Info) int { return cmp.Or(last(a).Compare(last(b)), cmp.Compare(a.Key, b.Key)) })
	for _, in := range infos {
		if total <= c.cfg.SentenceCacheMax {
			break
		}
		out.Removed = append(out.Removed, Removed{Key: in.Key, Size: in.Size, Reason: "sentence cache over its cap"})
		total -= in.Size
		delete(c.used, in.Key)
	}
	c.cacheBytes = total
}

// remove deletes what out lists (unless dry). A manifest naming a removed
// MP3 as its previous render is left as it is (see records).
func (c *collector) remove(ctx context.Context, dry bool, out *Collection) error {
	var errs []error
	kept := out.Removed[:0]
	for _, r := range out.Removed {
		if !dry {
			if err := c.rec.st.Delete(ctx, r.Key); err != nil && !errors.Is(err, store.ErrNotFound) {
				errs = append(errs, fmt.Errorf("remove %s: %w", r.Key, err))
				continue
			}
		}
		kept = append(kept, r)
		out.Freed += r.Size
	}
	out.Removed = kept
	return errors.Join(errs...)
}

func (c *collector) report(out Collection) {
	for kind, n := range out.Bytes {
		c.metrics.storeBytes.WithLabelValues(kind).Set(float64(n))
	}
	for _, r := range out.Removed {
		c.metrics.freed.WithLabelValues(keyKind(r.Key)).Add(float64(r.Size))
	}
}

// byArticle groups article keys by their folder, articles/<id>/.
func byArticle(infos []store.Info) [][]store.Info {
	groups := map[string][]store.Info{}
	var order []string
	for _, in := range infos {
		dir := path.Dir(in.Key)
		if _, ok := groups[dir]; !ok {
			order = append(order, dir)
		}
		groups[dir] = append(groups[dir], in)
	}
	out := make([][]store.Info, 0, len(order))
	for _, d := range order {
		out = append(out, groups[d])
	}
	return out
}

// Collect removes what the store no longer needs (see collector) and
// reports it; with dry, it only reports. It runs after every stored render
// (for that article), every ECOUTER_GC_INTERVAL, and from `ecouter gc`.
func (a *Archive) Collect(ctx context.Context, dry bool) (Collection, error) {
	return a.gc.collect(ctx, dry)
}

// CollectEvery runs Collect at once, then every interval, until ctx ends.
func (a *Archive) CollectEvery(ctx context.Context, interval time.Duration) {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		if c, err := a.Collect(ctx, false); err != nil {
			if ctx.Err() != nil {
				return // stopped midway: the next start collects again
			}
			a.log.Warn("store collection", "err", err)
		} else if len(c.Removed) > 0 {
			a.log.Info("store collected", "removed", len(c.Removed), "freed_bytes", c.Freed)
		}
		select {
		case <-t.C:
		case <-ctx.Done():
			return
		}
	}
}

// collectAfter collects an article's store after its render was stored,
// in the background (a shutdown waits for it).
func (a *Archive) collectAfter(id string) {
	a.sched.Track(func() {
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		if c, err := a.gc.collectArticle(ctx, id); err != nil {
			a.log.Warn("store collection", "article_id", id, "err", err)
		} else if len(c.Removed) > 0 {
			a.log.Info("store collected", "article_id", id, "removed", len(c.Removed), "freed_bytes", c.Freed)
		}
	})
}
