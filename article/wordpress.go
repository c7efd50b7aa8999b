package article

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync"
)

// WordPress reads posts from a WordPress site's REST API. It is safe for
// concurrent use.
//
// A site with plain permalinks has no /wp-json/ path: its API answers at
// BASE/?rest_route=/wp/v2/... instead. Which form a site uses is found once,
// on the first request, unless the base URL already ends in "?rest_route=".
type WordPress struct {
	base   string
	client *http.Client

	mu    sync.Mutex
	plain bool // the API is at BASE/?rest_route=
	known bool // plain has been found (or given)
}

// restRouteParam is the query parameter of WordPress's API on sites
// without pretty permalinks.
const restRouteParam = "rest_route"

// NewWordPress returns a source for the site at baseURL (e.g.
// "https://www.exemple-actu.fr", or with a path when WordPress lives in a
// sub-folder, or "https://www.exemple-actu.fr/?rest_route=" for a site with
// plain permalinks). A nil client means one with a 30 s timeout.
func NewWordPress(baseURL string, client *http.Client) *WordPress {
	if client == nil {
		client = newClient()
	}
	w := &WordPress{client: client}
	if base, query, ok := strings.Cut(baseURL, "?"); ok && isRestRouteQuery(query) {
		w.base, w.plain, w.known = strings.TrimRight(base, "/"), true, true
		return w
	}
	w.base = strings.TrimRight(baseURL, "/")
	return w
}

// isRestRouteQuery reports whether query is "rest_route=" or
// "rest_route=/", the only query a base URL may carry.
func isRestRouteQuery(query string) bool {
	v, err := url.ParseQuery(query)
	if err != nil || len(v) != 1 || len(v[restRouteParam]) != 1 {
		return false
	}
	r := v.Get(restRouteParam)
	return r == "" || r == "/"
}

// Article fetches post id with its author and terms embedded. WordPress
// post IDs are numeric: any other valid ID is ErrNotFound (WordPress
// answers 404). A draft, private or trashed post is ErrNotPublic
// (WordPress answers 401 or 403).
func (w *WordPress) Article(ctx context.Context, id string) (*Article, error) {
	if err := ValidID(id); err != nil {
		return nil, err
	}
	u, err := w.endpoint(ctx, "/wp/v2/posts/"+url.PathEscape(id), "_embed")
	if err != nil {
		return nil, fmt.Errorf("wordpress post %s: %w", id, err)
	}
	data, err := fetchJSON(ctx, w.client, u)
	if err != nil {
		return nil, fmt.Errorf("wordpress post %s: %w", id, err)
	}
	a, err := decodeArticle(id, data)
	if err != nil {
		return nil, undecodable("wordpress post "+id, err)
	}
	return a, nil
}

// endpoint is the URL of an API route ("/wp/v2/posts/42") with a query
// ("_embed", or "" for none), in the form the site uses.
func (w *WordPress) endpoint(ctx context.Context, route, query string) (string, error) {
	plain, err := w.isPlain(ctx)
	if err != nil {
		return "", err
	}
	if plain {
		// IDs are checked before they reach a route: it needs no escaping.
		u := w.base + "/?" + restRouteParam + "=" + route
		if query != "" {
			u += "&" + query
		}
		return u, nil
	}
	u := w.base + "/wp-json" + route
	if query != "" {
		u += "?" + query
	}
	return u, nil
}

// isPlain finds, once, whether the site's API is only reachable through
// ?rest_route=: its /wp-json/ index is not found, or is a page rather than
// JSON (a server that sends every path to WordPress, which without
// rewrite rules shows its home page), and BASE/?rest_route=/ answers the
// index instead. Anything else keeps /wp-json/. A site that cannot be
// reached is asked again next time.
func (w *WordPress) isPlain(ctx context.Context) (bool, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.known {
		return w.plain, nil
	}
	// _fields keeps the index, which lists every route, to a few bytes.
	pretty, err := w.probe(ctx, w.base+"/wp-json/?_fields=name")
	if err == nil && !pretty {
		w.plain, err = w.probe(ctx, w.base+"/?"+restRouteParam+"=/&_fields=name")
	}
	if err != nil {
		return false, fmt.Errorf("find the REST API: %w", err)
	}
	w.known = true
	return w.plain, nil
}

// probe reports whether rawURL answers with the API's index, a JSON
// object. An index closed to visitors (401, 403) is there; not found or a
// page is not.
func (w *WordPress) probe(ctx context.Context, rawURL string) (bool, error) {
	data, err := fetchJSON(ctx, w.client, rawURL)
	switch {
	case errors.Is(err, ErrNotPublic):
		return true, nil
	case errors.Is(err, ErrNotFound), errors.Is(err, ErrRedirect):
		// Not found, or sent to a page outside the API (a site without
		// rewrite rules may send /wp-json/ to its home page): not there.
		return false, nil
	case err != nil:
		return false, err
	}
	var index map[string]any
	return json.Unmarshal(data, &index) == nil, nil
}
