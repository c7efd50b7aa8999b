package render

import (
	"context"
	"fmt"

	"ecouter/article"
	"ecouter/script"
)

// Narrator reads articles from the source and tells what their render
// would be now (the narration script, the content key) without rendering
// them: for the script route, the queue's deduplication, and telling
// unknown articles from ones not rendered yet.
type Narrator struct {
	source  article.Source
	pl      *pipeline
	archive *Archive
}

// Article fetches the article from the source (to tell unknown articles
// from ones not rendered yet).
func (n *Narrator) Article(ctx context.Context, id string) (*article.Article, error) {
	if err := article.ValidID(id); err != nil {
		return nil, err
	}
	return n.source.Article(ctx, id)
}

// Script fetches the article and returns its narration script. A
// withdrawn article is ErrWithdrawn, without asking the source.
func (n *Narrator) Script(ctx context.Context, id string) (script.Script, error) {
	if err := article.ValidID(id); err != nil {
		return script.Script{}, err
	}
	if err := n.archive.refuseWithdrawn(ctx, id); err != nil {
		return script.Script{}, err
	}
	a, err := n.Article(ctx, id)
	if err != nil {
		return script.Script{}, err
	}
	return n.pl.prepare(a).script, nil
}

// Key returns the content key the article would be rendered with now:
// what the render queue deduplicates jobs by.
func (n *Narrator) Key(ctx context.Context, id string) (string, error) {
	a, err := n.Article(ctx, id)
	if err != nil {
		return "", fmt.Errorf("fetch article %s: %w", id, err)
	}
	return n.pl.prepare(a).key, nil
}
