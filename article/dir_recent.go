package article

import (
	"cmp"
	"context"
	"fmt"
	"io/fs"
	"slices"
	"strings"
	"time"
)

// Recent lists the folder's articles by their "published" date, newest
// first (undated ones last, then by ID). Files that are not valid articles
// are left out: Article reports them when asked for one.
func (d *Dir) Recent(ctx context.Context, n int, category string) ([]string, error) {
	entries, err := fs.ReadDir(d.fsys, ".")
	if err != nil {
		return nil, fmt.Errorf("%w: list articles: %w", ErrUnavailable, err)
	}
	type dated struct {
		id   string
		date time.Time
	}
	var found []dated
	for _, e := range entries {
		id, ok := strings.CutSuffix(e.Name(), ".json")
		if !ok || e.IsDir() || ValidID(id) != nil {
			continue
		}
		if err := ctx.Err(); err != nil {
			return nil, fmt.Errorf("%w: list articles: %w", ErrUnavailable, err)
		}
		a, err := d.Article(ctx, id)
		if err != nil {
			continue
		}
		if category != "" && !inCategory(a.Categories, category) {
			continue
		}
		found = append(found, dated{id, a.Published})
	}
	slices.SortFunc(found, func(a, b dated) int {
		if c := b.date.Compare(a.date); c != 0 {
			return c
		}
		return cmp.Compare(a.id, b.id)
	})
	ids := make([]string, 0, min(n, len(found)))
	for _, f := range found[:min(max(n, 0), len(found))] {
		ids = append(ids, f.id)
	}
	return ids, nil
}
