package script

import (
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"
)

// webAddress finds e-mail addresses, URLs and bare domain names. Go's \b is
// ASCII-only, so the boundaries that matter are checked in speakAddresses.
var webAddress = regexp.MustCompile(
	`[\p{L}\p{N}._%+-]+@[\p{L}\p{N}-]+(?:\.[\p{L}\p{N}-]+)*\.\p{L}{2,}` +
		`|(?i:https?://|www\.)[^\s<>«»"]+` +
		`|[\p{L}\p{N}][\p{L}\p{N}-]*(?:\.[\p{L}\p{N}-]+)*\.(?i:fr|com|org|net|eu|io|info|be|ch|ca|de|tv|gouv\.fr)`)

// speakAddresses rewrites web addresses the short way a presenter says them:
// "https://www.exemple.fr/a/b?x" is "exemple point fr" (scheme, "www" and
// path dropped), "prenom.nom@exemple.fr" is "prenom point nom arobase
// exemple point fr". It runs before tokenizing, on the raw text.
func speakAddresses(text string) string {
	if !addressHint(text) {
		return text
	}
	var b strings.Builder
	last := 0
	for _, m := range webAddress.FindAllStringIndex(text, -1) {
		s, e := m[0], m[1]
		addr := strings.TrimRight(text[s:e], ".,;:!?)]}'’")
		e = s + len(addr)
		before, _ := utf8.DecodeLastRuneInString(text[:s])
		after, _ := utf8.DecodeRuneInString(text[e:])
		if s > 0 && (isWordRune(before) || strings.ContainsRune(".@/-_", before)) || isWordRune(after) || after == '@' {
			continue // inside a longer word or address
		}
		words := addressWords(addr)
		if !strings.ContainsFunc(words, isWordRune) {
			continue // "www.$" is no address
		}
		b.WriteString(text[last:s])
		b.WriteString(" " + words + " ")
		last = e
	}
	b.WriteString(text[last:])
	return b.String()
}

// addressHint reports whether text may hold an address: an "@", or a dot
// followed by a letter. It spares most sentences the regexp.
func addressHint(text string) bool {
	if strings.Contains(text, "@") {
		return true
	}
	for i := strings.IndexByte(text, '.'); i >= 0 && i+1 < len(text); {
		if r, _ := utf8.DecodeRuneInString(text[i+1:]); unicode.IsLetter(r) {
			return true
		}
		k := strings.IndexByte(text[i+1:], '.')
		if k < 0 {
			break
		}
		i += 1 + k
	}
	return false
}

// addressWords reads one address.
func addressWords(addr string) string {
	if local, domain, ok := strings.Cut(addr, "@"); ok {
		local = strings.NewReplacer(".", " point ", "_", " tiret bas ", "+", " plus ").Replace(local)
		return local + " arobase " + hostWords(domain)
	}
	host := addr
	if k := strings.Index(host, "://"); k >= 0 {
		host = host[k+3:]
	}
	if k := strings.IndexAny(host, "/?#:"); k >= 0 {
		host = host[:k]
	}
	if len(host) > 4 && strings.EqualFold(host[:4], "www.") {
		host = host[4:]
	}
	return hostWords(host)
}

func hostWords(host string) string {
	labels := strings.FieldsFunc(host, func(r rune) bool { return r == '.' })
	return strings.Join(labels, " point ")
}

// isWordRune reports whether r is a letter or a digit.
func isWordRune(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }
