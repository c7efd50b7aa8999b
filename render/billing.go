package render

import (
	"context"
	"errors"
	"fmt"
	"path"
	"sync"
	"time"

	"ecouter/store"
	"ecouter/synth"
)

// StoredCount is the synth.Counter of a process alone (ecouter render
// without a NATS cluster): the day's count lives in the store, read at
// its first use and written at every change, so a restart keeps it. It
// counts one process's billing: processes that bill together share their
// count through NATS (cluster.Billing).
type StoredCount struct {
	rec records

	mu   sync.Mutex
	used map[string]int64 // the days read, and their counts since
	wmu  sync.Mutex       // one write at a time, each of the latest count
}

var _ synth.Counter = (*StoredCount)(nil)

// NewStoredCount counts in st.
func NewStoredCount(st store.Store) *StoredCount {
	return &StoredCount{rec: newRecords(st), used: map[string]int64{}}
}

// dayRecord is a day's stored count.
type dayRecord struct {
	Day    string `json:"day"`
	Billed int64  `json:"billed_characters"`
}

// Reserve implements synth.Counter. The reservation is written before it
// is granted: a count that cannot be kept refuses (the cap fails closed).
func (c *StoredCount) Reserve(ctx context.Context, day string, n, max int64) (int64, bool, error) {
	c.mu.Lock()
	u, err := c.load(ctx, day)
	if err != nil || u+n > max {
		c.mu.Unlock()
		return u, false, err
	}
	c.used[day] = u + n
	c.mu.Unlock()
	if err := c.save(ctx, day); err != nil {
		u, _ := c.Add(context.WithoutCancel(ctx), day, -n)
		return u, false, err
	}
	return u + n, true, nil
}

// Add implements synth.Counter. The change counts even when it cannot be
// written: what was billed was billed.
func (c *StoredCount) Add(ctx context.Context, day string, delta int64) (int64, error) {
	c.mu.Lock()
	u, err := c.load(ctx, day)
	if err != nil {
		c.mu.Unlock()
		return 0, err
	}
	u = max(0, u+delta)
	c.used[day] = u
	c.mu.Unlock()
	return u, c.save(ctx, day)
}

// Used implements synth.Counter.
func (c *StoredCount) Used(ctx context.Context, day string) (int64, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.load(ctx, day)
}

// load returns day's count, read from the store the first time. c.mu is
// held.
func (c *StoredCount) load(ctx context.Context, day string) (int64, error) {
	if u, ok := c.used[day]; ok {
		return u, nil
	}
	var r dayRecord
	err := c.rec.readJSON(ctx, billingKey(day), &r)
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		return 0, fmt.Errorf("read billed characters of %s: %w", day, err)
	}
	c.used[day] = r.Billed
	c.forget(ctx, day)
	return r.Billed, nil
}

// keepDays is how many days' counts are kept, yesterday's for sentences
// settled after midnight.
const keepDays = 2

// forget drops the counts of days before the last keepDays, in memory and
// in the store (best effort: a record left is a few bytes). c.mu is held.
func (c *StoredCount) forget(ctx context.Context, day string) {
	t, err := time.Parse(time.DateOnly, day)
	if err != nil {
		return
	}
	oldest := synth.Day(t.AddDate(0, 0, 1-keepDays))
	for d := range c.used {
		if d < oldest {
			delete(c.used, d)
		}
	}
	infos, err := c.rec.st.List(ctx, billingPrefix)
	if err != nil {
		return
	}
	for _, in := range infos {
		if d := path.Base(in.Key); len(d) > 5 && d[:len(d)-5] < oldest {
			_ = c.rec.st.Delete(ctx, in.Key)
		}
	}
}

// save writes day's latest count. Writes follow one another, each of the
// count as it is when it starts, so the last one written is the latest.
func (c *StoredCount) save(ctx context.Context, day string) error {
	c.wmu.Lock()
	defer c.wmu.Unlock()
	c.mu.Lock()
	r := dayRecord{Day: day, Billed: c.used[day]}
	c.mu.Unlock()
	if err := c.rec.writeJSON(ctx, billingKey(day), r); err != nil {
		return fmt.Errorf("write billed characters of %s: %w", day, err)
	}
	return nil
}
