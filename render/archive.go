package render

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"ecouter/article"
	"ecouter/store"
)

// Archive owns everything ecouter keeps in the store: the key layout and
// the stored formats (records), manifests and their listing, the MP3s and
// their segment indexes, the sentence cache and the calibration, the
// withdrawals and retractions, and the collection of what is no longer
// needed. The Service asks it what is stored; the pipeline stores through
// it.
//
// A withdrawal also cuts what runs of the article, so the Archive holds
// the Scheduler (to cut and wait for renders), the source (to refuse an ID
// nobody knows) and the memory of checks (to drop what it made stale).
type Archive struct {
	records // the key layout and the stored formats

	source   article.Source
	sched    Scheduler
	checks   *checks
	events   *notifier
	cfg      Config
	log      *slog.Logger
	now      func() time.Time
	listing  *listing
	gc       *collector
	watchers watchers
}

func newArchive(st store.Store, src article.Source, sched Scheduler, ch *checks, events *notifier,
	cfg Config, log *slog.Logger, now func() time.Time, metrics *Metrics) *Archive {
	rec := newRecords(st)
	return &Archive{
		records: rec, source: src, sched: sched, checks: ch, events: events, cfg: cfg, log: log, now: now,
		listing: newListing(rec), gc: newCollector(rec, cfg, now, metrics),
	}
}

// ErrNotRendered means no render of the article is stored yet.
var ErrNotRendered = errors.New("article not rendered yet")

// Manifest returns the stored manifest of the article's current render, or
// ErrNotRendered. It does not contact the source.
// A withdrawn article is ErrWithdrawn.
func (a *Archive) Manifest(ctx context.Context, id string) (*Manifest, error) {
	m, err := a.manifest(ctx, id)
	if errors.Is(err, ErrNotRendered) {
		if werr := a.refuseWithdrawn(ctx, id); werr != nil {
			return nil, werr
		}
	}
	return m, err
}

// List returns the manifests of every rendered article, newest render
// first. It lists the store, so it sees renders made by other processes,
// and reads only the manifests changed since the last List. The manifests
// are shared between callers and must not be changed.
func (a *Archive) List(ctx context.Context) ([]*Manifest, error) {
	return a.listing.manifests(ctx)
}

// Open opens a render's MP3.
func (a *Archive) Open(ctx context.Context, m *Manifest) (store.Blob, error) {
	b, err := a.st.Open(ctx, m.Audio)
	if err != nil {
		return nil, fmt.Errorf("open audio %s: %w", m.ID, err)
	}
	return b, nil
}

// minVersion is the shortest version prefix OpenVersion looks up.
const minVersion = 8

// OpenVersion opens the MP3 of the article's render whose content key
// starts with v, as long as the store keeps it (the previous render's is
// kept ECOUTER_KEEP_PREVIOUS), so that a versioned URL always serves the
// bytes whose length the feed listed; otherwise, or with v empty, the
// current render's, m. It returns the content key of what it opened.
func (a *Archive) OpenVersion(ctx context.Context, m *Manifest, v string) (store.Blob, string, error) {
	if v != "" && !strings.HasPrefix(m.Key, v) && len(v) >= minVersion {
		if key, err := a.audioByVersion(ctx, m.ID, v); err == nil {
			if b, err := a.st.Open(ctx, key); err == nil {
				return b, audioVersion(key), nil
			}
		}
	}
	b, err := a.Open(ctx, m)
	return b, m.Key, err
}

// stored reports whether m's audio is in the store; when the store cannot
// tell (it is down), yes: a render now would fail on it anyway.
func (a *Archive) stored(ctx context.Context, m *Manifest) bool {
	_, err := a.st.Stat(ctx, m.Audio)
	return !errors.Is(err, store.ErrNotFound)
}

// Forget drops what this process remembers of the article's checks, so
// the next request reads the store and the source again: another node
// changed its audio.
func (a *Archive) Forget(id string) { a.checks.forget(id) }
