package synth

import (
	"context"
	"sync"
	"time"
)

// Counter keeps the characters billed each UTC day where every process
// that bills the same account sees them: in NATS for a cluster, in the
// store for a process alone (so a restart keeps the day's count). day is
// the UTC date, "2006-01-02". Every implementation runs the contract test
// synthtest.TestCounter.
type Counter interface {
	// Reserve adds n to day's count unless that would take it beyond
	// max, as one step: two nodes reserving at once cannot both take the
	// last characters. It returns the count after the call and whether n
	// was added.
	Reserve(ctx context.Context, day string, n, max int64) (used int64, ok bool, err error)
	// Add adds delta (negative: gives characters back) to day's count,
	// never taking it below zero, and returns the count after.
	Add(ctx context.Context, day string, delta int64) (int64, error)
	// Used is day's count.
	Used(ctx context.Context, day string) (int64, error)
}

// Day names t's UTC day as counters key it.
func Day(t time.Time) string { return t.UTC().Format(time.DateOnly) }

// MemCounter is the Counter of one process and nothing more: its count
// goes with the process. For tests and twins; a serving process counts
// in NATS or in the store.
type MemCounter struct {
	mu   sync.Mutex
	used map[string]int64
}

// Reserve implements Counter.
func (m *MemCounter) Reserve(_ context.Context, day string, n, max int64) (int64, bool, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	u := m.day(day)
	if u+n > max {
		return u, false, nil
	}
	m.used[day] = u + n
	return u + n, true, nil
}

// Add implements Counter.
func (m *MemCounter) Add(_ context.Context, day string, delta int64) (int64, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	u := max(0, m.day(day)+delta)
	m.used[day] = u
	return u, nil
}

// Used implements Counter.
func (m *MemCounter) Used(_ context.Context, day string) (int64, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.day(day), nil
}

func (m *MemCounter) day(day string) int64 {
	if m.used == nil {
		m.used = map[string]int64{}
	}
	return m.used[day]
}
