package article

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
)

// maxRedirects is how many redirects a source may answer for one article:
// enough for http -> https and a moved site, not a loop.
const maxRedirects = 3

// ErrRedirect reports a redirect a source is not allowed to follow. It is
// wrapped in ErrUnavailable (502): the CMS answered, but not with an article.
var ErrRedirect = errors.New("redirect refused")

// confine returns a copy of client that follows redirects only to base's
// scheme and host, and there only to paths within allows (see wpPaths and
// templatePaths); at most maxRedirects. Any other target is refused before
// it is requested: a CMS (or whoever took it over) must not make ecouter
// fetch another host's pages, or pages of its own host outside the API,
// and read them aloud, or probe the network ecouter runs in.
func confine(client *http.Client, base *url.URL, allows func(*url.URL) bool) *http.Client {
	if client == nil {
		client = newClient()
	}
	c := *client
	c.CheckRedirect = func(req *http.Request, via []*http.Request) error {
		u := req.URL
		switch {
		case len(via) > maxRedirects:
			return fmt.Errorf("%w: more than %d redirects, last to %s", ErrRedirect, maxRedirects, redactURL(u))
		case u.Scheme != base.Scheme || !sameHost(u, base):
			return fmt.Errorf("%w: %s is off the source's host %s", ErrRedirect, redactURL(u), base.Host)
		case !allows(u):
			return fmt.Errorf("%w: %s is outside the source's API", ErrRedirect, redactURL(u))
		}
		return nil
	}
	return &c
}

// wpPaths: a WordPress source follows redirects to its REST API below the
// base URL's path, whether or not it has one: BASE/wp-json/...,
// BASE/index.php/wp-json/... (PATH_INFO permalinks), or BASE/,
// BASE/index.php with a rest_route parameter (plain permalinks). A
// redirect to a page of the site (its home, its admin) is refused.
func wpPaths(base *url.URL) func(*url.URL) bool {
	prefix := strings.TrimRight(base.Path, "/")
	return func(u *url.URL) bool {
		p := u.Path
		for _, api := range []string{prefix + "/wp-json", prefix + "/index.php/wp-json"} {
			if p == api || strings.HasPrefix(p, api+"/") {
				return true
			}
		}
		if p == prefix || p == prefix+"/" || p == prefix+"/index.php" {
			return strings.HasPrefix(u.Query().Get(restRouteParam), "/")
		}
		return false
	}
}

// templatePaths: a JSON source follows redirects below the folder of its
// URL template's path that holds {id} ("https://h/api/v1/articles/{id}"
// allows /api/v1/articles/...). When that folder is the root (the
// template has no path: "https://h/{id}.json", "https://h/?id={id}"), a
// target must have the template's own shape instead: its path with one
// path segment (an ID) in place of {id}.
func templatePaths(template string) func(*url.URL) bool {
	u, err := url.Parse(strings.ReplaceAll(template, IDPlaceholder, idMark))
	if err != nil {
		return func(*url.URL) bool { return false }
	}
	path := u.Path
	if path == "" {
		path = "/"
	}
	dir := path
	if i := strings.Index(path, idMark); i >= 0 {
		dir = path[:i]
	}
	dir = dir[:strings.LastIndex(dir, "/")+1]
	if dir != "/" {
		return func(t *url.URL) bool { return strings.HasPrefix(t.Path, dir) }
	}
	before, after, hasID := strings.Cut(path, idMark)
	return func(t *url.URL) bool {
		p := t.Path
		if p == "" {
			p = "/"
		}
		if !hasID {
			return p == path
		}
		if !strings.HasPrefix(p, before) || !strings.HasSuffix(p, after) || len(p) <= len(before)+len(after) {
			return false
		}
		return !strings.Contains(p[len(before):len(p)-len(after)], "/")
	}
}

// idMark stands for {id} while a template is parsed as a URL (braces
// would be escaped).
const idMark = "ecouter-id-placeholder"

// sameHost compares hosts case-insensitively, with the scheme's default
// port filled in ("example.fr" is "example.fr:443" over https).
func sameHost(a, b *url.URL) bool {
	return strings.EqualFold(a.Hostname(), b.Hostname()) && port(a) == port(b)
}

func port(u *url.URL) string {
	if p := u.Port(); p != "" {
		return p
	}
	if u.Scheme == "https" {
		return "443"
	}
	return "80"
}
