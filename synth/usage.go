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
	parent     *Usage // the Usage of the enclosing context, also counted
}

// Characters is the total billed so far.
func (u *Usage) Characters() int64 { return u.characters.Load() }

// Requests is the number of backend requests made so far.
func (u *Usage) Requests() int64 { return u.requests.Load() }

type usageKey struct{}

// WithUsage returns a context that collects usage into u, and into the
// Usage ctx already collects into (a render's, around one sentence's).
func WithUsage(ctx context.Context, u *Usage) context.Context {
	if p, ok := ctx.Value(usageKey{}).(*Usage); ok && p != u {
		u.parent = p
	}
	return context.WithValue(ctx, usageKey{}, u)
}

// AddUsage records one backend request billing chars characters.
func AddUsage(ctx context.Context, chars int64) {
	u, _ := ctx.Value(usageKey{}).(*Usage)
	for ; u != nil; u = u.parent {
		u.characters.Add(chars)
		u.requests.Add(1)
	}
}
