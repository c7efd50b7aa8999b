package article

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
)

// IDPlaceholder marks where the article ID goes in an HTTP source's URL
// template.
const IDPlaceholder = "{id}"

// HTTP reads articles from a JSON API, in either JSON form, at a URL made
// from a template. It is safe for concurrent use.
type HTTP struct {
	template string
	client   *http.Client
}

// NewHTTP returns a source fetching urlTemplate with every "{id}" replaced
// by the escaped article ID, e.g. "https://api.exemple.fr/articles/{id}".
// A nil client means one with a 30 s timeout.
func NewHTTP(urlTemplate string, client *http.Client) *HTTP {
	if client == nil {
		client = newClient()
	}
	return &HTTP{template: urlTemplate, client: client}
}

// Article fetches and decodes article id.
func (h *HTTP) Article(ctx context.Context, id string) (*Article, error) {
	if err := ValidID(id); err != nil {
		return nil, err
	}
	u := strings.ReplaceAll(h.template, IDPlaceholder, url.PathEscape(id))
	data, err := fetchJSON(ctx, h.client, u)
	if err != nil {
		return nil, fmt.Errorf("article %s: %w", id, err)
	}
	a, err := decodeArticle(id, data)
	if err != nil {
		return nil, undecodable("article "+id, err)
	}
	return a, nil
}
