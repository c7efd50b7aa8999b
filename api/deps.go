package api

import (
	"context"

	"ecouter/article"
	"ecouter/render"
	"ecouter/script"
	"ecouter/store"
)

// Renders is what the handlers ask of rendering: checking and starting
// renders, listening to them. *render.Service is one.
type Renders interface {
	// Cached is the render checked against the source within its TTL, or nil.
	Cached(id string) *render.Manifest
	// Rendering tells whether a render of the article runs on any node.
	Rendering(id string) bool
	// Ensure returns the current render, rendering first if needed.
	Ensure(ctx context.Context, id string, opt render.Options) (*render.Manifest, error)
	// Listen is Ensure for a listener: a live stream while it renders.
	Listen(ctx context.Context, id string) (*render.Manifest, *render.Stream, error)
	// RenderAll renders a batch, done told of each article.
	RenderAll(ctx context.Context, ids []string, parallel int, done func(render.BatchResult))
}

// Stored is what the handlers read and change of what is stored:
// manifests, audio, the listing and withdrawals. *render.Archive is one.
type Stored interface {
	// Manifest is the article's current render (ErrNotRendered, ErrWithdrawn).
	Manifest(ctx context.Context, id string) (*render.Manifest, error)
	// List is every current render's manifest.
	List(ctx context.Context) ([]*render.Manifest, error)
	// Open opens a render's audio.
	Open(ctx context.Context, m *render.Manifest) (store.Blob, error)
	// OpenVersion opens the audio whose content key starts with v while
	// it is kept, m's otherwise, and tells the key of what it opened.
	OpenVersion(ctx context.Context, m *render.Manifest, v string) (store.Blob, string, error)
	// Withdrawn is the withdrawal in force for the article, or nil.
	Withdrawn(ctx context.Context, id string) (*render.Withdrawal, error)
	// Withdraw takes the article's audio down.
	Withdraw(ctx context.Context, id, reason string) error
	// Asked names the withdrawal in force a render asked for now may end.
	Asked(ctx context.Context, id string) (string, error)
	// OnWithdrawn calls cut if the article is withdrawn before stop.
	OnWithdrawn(id string, cut func()) (stop func())
}

// Narration is what the handlers ask of an article without rendering it:
// the article itself, its narration script, the content key its render
// would have. *render.Narrator is one.
type Narration interface {
	// Article reads the article from the source (404 for one it lacks).
	Article(ctx context.Context, id string) (*article.Article, error)
	// Script is the narration a render would read.
	Script(ctx context.Context, id string) (script.Script, error)
	// Key is the content key a render of the article would store.
	Key(ctx context.Context, id string) (string, error)
}
