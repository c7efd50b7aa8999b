package article

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"time"
)

const (
	// maxBodySize bounds what a source may send for one article: the
	// longest real articles are a few hundred KiB of HTML.
	maxBodySize = 10 << 20
	userAgent   = "ecouter/1"
)

// DefaultTimeout bounds one request to a source, body included: the
// default client has no timeout, and a hung CMS must not hang a render.
const DefaultTimeout = 20 * time.Second

// newClient is the client used when a source is given none.
func newClient() *http.Client { return &http.Client{Timeout: DefaultTimeout} }

// fetchJSON GETs rawURL and returns its body. 404 and 410 are ErrNotFound,
// 401 and 403 ErrNotPublic (a CMS's answer for an unpublished article);
// everything else that goes wrong is ErrUnavailable. Errors name the URL
// without credentials or query, which may hold an API key.
func fetchJSON(ctx context.Context, client *http.Client, rawURL string) ([]byte, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, rawURL, nil)
	if err != nil {
		// The error from url.Parse quotes the whole URL: do not wrap it.
		return nil, fmt.Errorf("%w: invalid source URL %s", ErrUnavailable, redactURLString(rawURL))
	}
	req.Header.Set("User-Agent", userAgent)
	req.Header.Set("Accept", "application/json")
	where := "GET " + redactURL(req.URL)

	resp, err := client.Do(req)
	if err != nil {
		// *url.Error repeats the URL with its query; keep only the cause.
		timeout := isTimeout(err)
		if ue, ok := errors.AsType[*url.Error](err); ok {
			err = ue.Err
		}
		return nil, unavailable(where, err, timeout)
	}
	defer resp.Body.Close()

	switch code := resp.StatusCode; {
	case code == http.StatusNotFound || code == http.StatusGone:
		return nil, fmt.Errorf("%w: %s: status %d", ErrNotFound, where, code)
	case code == http.StatusUnauthorized || code == http.StatusForbidden:
		return nil, fmt.Errorf("%w: %s: status %d", ErrNotPublic, where, code)
	case code < 200 || code > 299:
		return nil, fmt.Errorf("%w: %s: status %d", ErrUnavailable, where, code)
	}
	data, err := readLimited(resp.Body)
	if err != nil {
		return nil, unavailable(where, err, isTimeout(err))
	}
	return data, nil
}

// unavailable is ErrUnavailable for where, with ErrTimeout if it timed out.
func unavailable(where string, err error, timeout bool) error {
	if timeout {
		return fmt.Errorf("%w: %w: %s: %w", ErrUnavailable, ErrTimeout, where, err)
	}
	return fmt.Errorf("%w: %s: %w", ErrUnavailable, where, err)
}

// isTimeout tells a source that did not answer in time (the client's
// timeout, or the caller's deadline) from one that failed.
func isTimeout(err error) bool {
	if errors.Is(err, context.DeadlineExceeded) {
		return true
	}
	ne, ok := errors.AsType[net.Error](err)
	return ok && ne.Timeout()
}

// readLimited reads all of r, failing beyond maxBodySize rather than
// filling memory with a runaway response or file.
func readLimited(r io.Reader) ([]byte, error) {
	data, err := io.ReadAll(io.LimitReader(r, maxBodySize+1))
	if err != nil {
		return nil, fmt.Errorf("read body: %w", err)
	}
	if len(data) > maxBodySize {
		return nil, fmt.Errorf("body over %d MiB", maxBodySize>>20)
	}
	return data, nil
}

// redactURL shows u as scheme://host/path: userinfo may be a password and
// the query an API key, and errors end up in logs.
// It is built by hand because (*url.URL).String would escape the "{id}"
// of a template shown in a configuration error.
func redactURL(u *url.URL) string {
	if u.Opaque != "" {
		// "user:pw@host" parses as scheme "user": show none of it.
		return u.Scheme + ":…"
	}
	s := u.Path
	if u.Host != "" || u.Scheme != "" {
		s = "//" + u.Host + s
	}
	if u.Scheme != "" {
		s = u.Scheme + ":" + s
	}
	return s
}

func redactURLString(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return "(unparsable URL)"
	}
	return redactURL(u)
}
