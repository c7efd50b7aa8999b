package article

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"net/url"
	"os"
	"strings"
)

// Parse builds the source a spec names (from ECOUTER_ARTICLES):
//
//	"" or "samples"      the embedded sample articles (samples)
//	"dir:PATH"           a folder of <id>.json files
//	"wordpress:BASE_URL" a WordPress site's REST API
//	"http:URL_TEMPLATE"  a JSON API; the template must contain {id}
//
// client is used by the HTTP sources (nil: a client with DefaultTimeout),
// with redirects confined to the source's host (see confine).
func Parse(spec string, client *http.Client, samples fs.FS) (Source, error) {
	kind, arg, _ := strings.Cut(spec, ":")
	switch kind {
	case "", "samples":
		if arg != "" {
			return nil, fmt.Errorf("article source %q: samples takes no argument", spec)
		}
		if samples == nil {
			return nil, errors.New("article source samples: no sample articles built in")
		}
		return NewDir(samples), nil
	case "dir":
		if err := checkDir(arg); err != nil {
			return nil, fmt.Errorf("article source dir: %w", err)
		}
		return NewDir(os.DirFS(arg)), nil
	case "wordpress":
		// A plain-permalink site's API may be given as BASE/?rest_route=.
		base, query, _ := strings.Cut(arg, "?")
		if !isRestRouteQuery(query) {
			base = arg
		}
		if err := checkURL(base, false); err != nil {
			return nil, fmt.Errorf("article source wordpress: base URL %w", err)
		}
		u, _ := url.Parse(arg) // checked above
		return NewWordPress(arg, confine(client, u, wpPaths(u))), nil
	case "http":
		if strings.HasPrefix(arg, "//") {
			// "http://host/{id}" was given without the "http:" prefix.
			return nil, fmt.Errorf("article source %q: missing prefix; did you mean \"http:%s\"?",
				RedactSpec(spec), redactURLString(spec))
		}
		if !strings.Contains(arg, IDPlaceholder) {
			return nil, fmt.Errorf("article source http: URL template %s lacks %s", redactURLString(arg), IDPlaceholder)
		}
		if err := checkURL(arg, true); err != nil {
			return nil, fmt.Errorf("article source http: URL template %w", err)
		}
		u, _ := url.Parse(arg) // checked above
		return NewHTTP(arg, confine(client, u, templatePaths(arg))), nil
	case "https":
		return nil, fmt.Errorf("article source %q: missing prefix; did you mean \"http:%s\"?",
			RedactSpec(spec), redactURLString(spec))
	default:
		return nil, fmt.Errorf("article source %q: unknown kind %q; want samples, dir:PATH, wordpress:BASE_URL or http:URL_TEMPLATE",
			RedactSpec(spec), kind)
	}
}

// checkDir fails unless path is a directory this process can list.
func checkDir(path string) error {
	if path == "" {
		return errors.New("empty path; want dir:PATH")
	}
	f, err := os.Open(path)
	if err != nil {
		return err // *PathError names the path and the reason
	}
	defer f.Close()
	info, err := f.Stat()
	if err != nil {
		return err
	}
	if !info.IsDir() {
		return fmt.Errorf("%s is not a directory", path)
	}
	if _, err := f.ReadDir(1); err != nil && !errors.Is(err, io.EOF) {
		return fmt.Errorf("list %s: %w", path, err)
	}
	return nil
}

// checkURL fails unless raw is an absolute http or https URL. A base URL
// (query false) may not carry a query or fragment, which the API path
// would be appended after.
func checkURL(raw string, query bool) error {
	if raw == "" {
		return errors.New("is empty")
	}
	u, err := url.Parse(raw)
	if err != nil {
		return fmt.Errorf("%s does not parse", redactURLString(raw))
	}
	shown := redactURL(u)
	switch {
	case u.Scheme != "http" && u.Scheme != "https":
		return fmt.Errorf("%s: want an http:// or https:// URL", shown)
	case u.Host == "":
		return fmt.Errorf("%s: no host", shown)
	case !query && (u.RawQuery != "" || u.Fragment != ""):
		return fmt.Errorf("%s: must not have a query (?...) or fragment (#...)", shown)
	}
	return nil
}

// RedactSpec shows a source spec (or any "kind:URL" setting, such as an
// s3:// store) without the credentials or query it may hold, for errors
// and start-up logs.
func RedactSpec(spec string) string {
	kind, arg, ok := strings.Cut(spec, ":")
	if !ok || !strings.Contains(arg, "//") {
		return spec
	}
	if kind == "http" || kind == "https" {
		return redactURLString(spec)
	}
	return kind + ":" + redactURLString(arg)
}
