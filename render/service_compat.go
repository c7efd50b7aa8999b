package render

import (
	"context"
	"time"

	"ecouter/article"
	"ecouter/script"
	"ecouter/store"
)

// The methods below are the Service's before its stored things moved to
// the Archive and its previews to the Narrator: one-line delegations that
// exist until api and cmd/ecouter take those two from the wiring
// (Service.Archive, Service.Narrator), and go then. Nothing new belongs
// here.

// Manifest is Archive.Manifest.
func (s *Service) Manifest(ctx context.Context, id string) (*Manifest, error) {
	return s.archive.Manifest(ctx, id)
}

// List is Archive.List.
func (s *Service) List(ctx context.Context) ([]*Manifest, error) { return s.archive.List(ctx) }

// Open is Archive.Open.
func (s *Service) Open(ctx context.Context, m *Manifest) (store.Blob, error) {
	return s.archive.Open(ctx, m)
}

// OpenVersion is Archive.OpenVersion.
func (s *Service) OpenVersion(ctx context.Context, m *Manifest, v string) (store.Blob, string, error) {
	return s.archive.OpenVersion(ctx, m, v)
}

// Withdraw is Archive.Withdraw.
func (s *Service) Withdraw(ctx context.Context, id, reason string) error {
	return s.archive.Withdraw(ctx, id, reason)
}

// Withdrawn is Archive.Withdrawn.
func (s *Service) Withdrawn(ctx context.Context, id string) (*Withdrawal, error) {
	return s.archive.Withdrawn(ctx, id)
}

// Asked is Archive.Asked.
func (s *Service) Asked(ctx context.Context, id string) (string, error) {
	return s.archive.Asked(ctx, id)
}

// Cut is Archive.Cut.
func (s *Service) Cut(ctx context.Context, id string) { s.archive.Cut(ctx, id) }

// OnWithdrawn is Archive.OnWithdrawn.
func (s *Service) OnWithdrawn(id string, cut func()) (stop func()) {
	return s.archive.OnWithdrawn(id, cut)
}

// Forget is Archive.Forget.
func (s *Service) Forget(id string) { s.archive.Forget(id) }

// Collect is Archive.Collect.
func (s *Service) Collect(ctx context.Context, dry bool) (Collection, error) {
	return s.archive.Collect(ctx, dry)
}

// CollectEvery is Archive.CollectEvery.
func (s *Service) CollectEvery(ctx context.Context, interval time.Duration) {
	s.archive.CollectEvery(ctx, interval)
}

// Article is Narrator.Article.
func (s *Service) Article(ctx context.Context, id string) (*article.Article, error) {
	return s.narrator.Article(ctx, id)
}

// Script is Narrator.Script.
func (s *Service) Script(ctx context.Context, id string) (script.Script, error) {
	return s.narrator.Script(ctx, id)
}

// Key is Narrator.Key.
func (s *Service) Key(ctx context.Context, id string) (string, error) {
	return s.narrator.Key(ctx, id)
}
