package synth

import (
	"context"
	"sync/atomic"
)

// Usage counts what a backend billed during one render. The renderer puts
// one in the context; backends that bill add to it. A context without one
// counts nothing.
type Usage struct {
	characters atomic.Int64 // characters billed by the backend
	requests   atomic.Int64
}

// Characters is the total billed so far.
func (u *Usage) Characters() int64 { return u.characters.Load() }

// Requests is the number of backend requests made so far.
func (u *Usage) Requests() int64 { return u.requests.Load() }

type usageKey struct{}

// WithUsage returns a context that collects usage into u.
func WithUsage(ctx context.Context, u *Usage) context.Context {
	return context.WithValue(ctx, usageKey{}, u)
}

// AddUsage records one backend request billing chars characters.
func AddUsage(ctx context.Context, chars int64) {
	if u, ok := ctx.Value(usageKey{}).(*Usage); ok && u != nil {
		u.characters.Add(chars)
		u.requests.Add(1)
	}
}
