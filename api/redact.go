package api

import (
	"net/url"
	"strings"
)

// secretWords mark query parameters whose values are credentials: a key
// sent as ?api_key=, a signed URL's signature, an OAuth token.
var secretWords = []string{"key", "token", "signature", "sig", "secret", "password", "passwd", "credential", "auth", "session"}

// redactQuery is uri (path and query, as requested) with the values of
// credential-like query parameters replaced, for the request log. The
// rest is kept as sent, so the line still shows what was asked.
func redactQuery(uri string) string {
	path, query, ok := strings.Cut(uri, "?")
	if !ok || query == "" {
		return uri
	}
	var b strings.Builder
	b.WriteString(path)
	b.WriteByte('?')
	for i, pair := range strings.Split(query, "&") {
		if i > 0 {
			b.WriteByte('&')
		}
		name, _, hasValue := strings.Cut(pair, "=")
		if hasValue && secretName(name) {
			b.WriteString(name + "=REDACTED")
			continue
		}
		b.WriteString(pair)
	}
	return b.String()
}

func secretName(name string) bool {
	if n, err := url.QueryUnescape(name); err == nil {
		name = n
	}
	name = strings.ToLower(name)
	for _, w := range secretWords {
		if strings.Contains(name, w) {
			return true
		}
	}
	return false
}
