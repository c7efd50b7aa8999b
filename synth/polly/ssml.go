package polly

import (
	"strings"
	"unicode/utf8"
)

var escaper = strings.NewReplacer(
	"&", "&amp;", "<", "&lt;", ">", "&gt;", `"`, "&quot;", "'", "&apos;",
)

// SSML wraps plain text in a <speak> document, escaping the five XML
// special characters and dropping characters XML 1.0 forbids (controls
// other than tab and newlines), which Polly would refuse as invalid SSML.
func SSML(text string) string {
	clean := strings.Map(func(r rune) rune {
		if r == utf8.RuneError || !xmlChar(r) {
			return -1
		}
		return r
	}, text)
	return "<speak>" + escaper.Replace(clean) + "</speak>"
}

// xmlChar reports whether r may appear in an XML 1.0 document.
func xmlChar(r rune) bool {
	return r == '\t' || r == '\n' || r == '\r' ||
		r >= 0x20 && r <= 0xD7FF || r >= 0xE000 && r <= 0xFFFD || r >= 0x10000 && r <= 0x10FFFF
}
