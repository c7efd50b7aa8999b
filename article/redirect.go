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
// scheme and host and, when underPath, below base's path; at most
// maxRedirects. Any other target is refused before it is requested: a CMS
// (or whoever took it over) must not make ecouter fetch another host's
// pages and read them aloud, or probe the network ecouter runs in.
func confine(client *http.Client, base *url.URL, underPath bool) *http.Client {
	if client == nil {
		client = newClient()
	}
	c := *client
	prefix := strings.TrimRight(base.Path, "/")
	c.CheckRedirect = func(req *http.Request, via []*http.Request) error {
		u := req.URL
		switch {
		case len(via) > maxRedirects:
			return fmt.Errorf("%w: more than %d redirects, last to %s", ErrRedirect, maxRedirects, redactURL(u))
		case u.Scheme != base.Scheme || !sameHost(u, base):
			return fmt.Errorf("%w: %s is off the source's host %s", ErrRedirect, redactURL(u), base.Host)
		case underPath && u.Path != prefix && !strings.HasPrefix(u.Path, prefix+"/"):
			return fmt.Errorf("%w: %s is outside the source's path %s/", ErrRedirect, redactURL(u), prefix)
		}
		return nil
	}
	return &c
}

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
