package article

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
)

// WordPress reads posts from a WordPress site's REST API. It is safe for
// concurrent use.
type WordPress struct {
	base   string
	client *http.Client
}

// NewWordPress returns a source for the site at baseURL (e.g.
// "https://www.exemple-actu.fr", or with a path when WordPress lives in a
// sub-folder). A nil client means one with a 30 s timeout.
func NewWordPress(baseURL string, client *http.Client) *WordPress {
	if client == nil {
		client = newClient()
	}
	return &WordPress{base: strings.TrimRight(baseURL, "/"), client: client}
}

// Article fetches post id with its author and terms embedded. WordPress
// post IDs are numeric: any other valid ID is ErrNotFound (WordPress
// answers 404).
func (w *WordPress) Article(ctx context.Context, id string) (*Article, error) {
	if err := ValidID(id); err != nil {
		return nil, err
	}
	u := w.base + "/wp-json/wp/v2/posts/" + url.PathEscape(id) + "?_embed"
	data, err := fetchJSON(ctx, w.client, u)
	if err != nil {
		return nil, fmt.Errorf("wordpress post %s: %w", id, err)
	}
	a, err := decodeArticle(id, data)
	if err != nil {
		return nil, fmt.Errorf("%w: wordpress post %s: %w", ErrUnavailable, id, err)
	}
	return a, nil
}
