package script

import (
	"strings"
	"testing"
	"unicode"
)

// FuzzSplit checks what must hold for any text: no sentence is empty or
// untrimmed, and the sentences hold all of the text's non-space runes, in
// order.
func FuzzSplit(f *testing.F) {
	for _, s := range []string{
		"M. Dupont. Il part.", "« Non. » Il part.", "\"\" . \" A", "(…) A… (", "1. A", "a.b. C",
		"« A. B » c. « D", "J.-C. A", "...", "?!» «", "etc. Le", "x\u00a0. Y",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, text string) {
		got := Split(text)
		for _, s := range got {
			if s == "" || strings.TrimSpace(s) != s {
				t.Fatalf("Split(%q) gave an empty or untrimmed sentence %q", text, s)
			}
		}
		if a, b := strings.Join(got, ""), text; dropSpaces(a) != dropSpaces(b) {
			t.Fatalf("Split(%q) = %q lost or changed text", text, got)
		}
	})
}

func dropSpaces(s string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsSpace(r) {
			return -1
		}
		return r
	}, s)
}
