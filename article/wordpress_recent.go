package article

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"strconv"
)

// wpPerPage is the most posts WordPress returns in one page.
const wpPerPage = 100

// Recent lists the site's latest posts (GET /wp/v2/posts, newest
// first, only their IDs), page by page, leaving out those the ecouter
// plugin says get no audio. A category is a slug, resolved to
// WordPress's numeric ID first; an unknown one is ErrNoCategory.
func (w *WordPress) Recent(ctx context.Context, n int, category string) ([]string, error) {
	filter := ""
	if category != "" {
		id, err := w.categoryID(ctx, category)
		if err != nil {
			return nil, err
		}
		filter = "&categories=" + strconv.Itoa(id)
	}
	var ids []string
	// One page size throughout: WordPress pages by offset (page-1)*per_page.
	per := min(n, wpPerPage)
	for page := 1; len(ids) < n; page++ {
		u, err := w.endpoint(ctx, "/wp/v2/posts", fmt.Sprintf("per_page=%d&page=%d&orderby=date&order=desc&_fields=id,date_gmt,ecouter%s",
			per, page, filter))
		if err != nil {
			return nil, fmt.Errorf("wordpress recent posts: %w", err)
		}
		data, err := fetchJSON(ctx, w.client, u)
		if err != nil {
			return nil, fmt.Errorf("wordpress recent posts: %w", err)
		}
		var posts []struct {
			ID      int       `json:"id"`
			Ecouter wpEcouter `json:"ecouter"`
		}
		if err := json.Unmarshal(data, &posts); err != nil {
			return nil, fmt.Errorf("%w: wordpress recent posts: %w", ErrUnavailable, err)
		}
		for _, p := range posts {
			if !p.Ecouter.Excluded {
				ids = append(ids, strconv.Itoa(p.ID))
			}
		}
		if len(posts) < per {
			break // the last page
		}
	}
	return ids[:min(len(ids), max(n, 0))], nil
}

func (w *WordPress) categoryID(ctx context.Context, category string) (int, error) {
	u, err := w.endpoint(ctx, "/wp/v2/categories", "_fields=id&slug="+url.QueryEscape(Slug(category)))
	if err != nil {
		return 0, fmt.Errorf("wordpress category %q: %w", category, err)
	}
	data, err := fetchJSON(ctx, w.client, u)
	if err != nil {
		return 0, fmt.Errorf("wordpress category %q: %w", category, err)
	}
	var cats []struct {
		ID int `json:"id"`
	}
	if err := json.Unmarshal(data, &cats); err != nil {
		return 0, fmt.Errorf("%w: wordpress category %q: %w", ErrUnavailable, category, err)
	}
	if len(cats) == 0 {
		return 0, fmt.Errorf("wordpress category %q: %w", category, ErrNoCategory)
	}
	return cats[0].ID, nil
}
