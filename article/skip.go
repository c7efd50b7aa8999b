package article

import (
	"regexp"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/net/html"
)

// skipper is Rules compiled for matching element after element.
type skipper struct {
	elements   map[string]bool
	classes    map[string]bool
	idPrefixes []string
}

func newSkipper(r Rules) skipper {
	s := skipper{
		elements: make(map[string]bool),
		classes:  make(map[string]bool),
	}
	// Never rendered, whatever the rules say: a full page's <head> must not
	// have its <title> read as the first paragraph.
	for _, e := range []string{"head", "title", "meta", "link", "base"} {
		s.elements[e] = true
	}
	for _, e := range r.SkipElements {
		s.elements[strings.ToLower(e)] = true
	}
	for _, c := range r.SkipClasses {
		s.classes[strings.ToLower(c)] = true
	}
	for _, p := range r.SkipIDPrefixes {
		s.idPrefixes = append(s.idPrefixes, strings.ToLower(p))
	}
	return s
}

// match reports whether the element n and everything in it is left out.
func (s skipper) match(n *html.Node) bool {
	if s.elements[n.Data] && !(n.Data == "figure" && slices.Contains(classes(n), "wp-block-table")) {
		// WordPress puts its table block in a <figure>: the table is
		// read, its caption is not.
		return true
	}
	for _, c := range classes(n) {
		if s.classes[c] {
			return true
		}
	}
	for _, a := range n.Attr {
		if a.Namespace != "" {
			continue
		}
		switch a.Key {
		case "id":
			id := strings.ToLower(a.Val)
			for _, p := range s.idPrefixes {
				if strings.HasPrefix(id, p) {
					return true
				}
			}
		case "hidden":
			return true
		case "aria-hidden":
			// Hidden from screen readers means decorative: a listener
			// is in the same seat.
			if strings.EqualFold(a.Val, "true") {
				return true
			}
		}
	}
	return false
}

// classes returns the tokens of n's class attribute, in lower case.
func classes(n *html.Node) []string {
	for _, a := range n.Attr {
		if a.Key == "class" && a.Namespace == "" {
			return strings.FieldsFunc(strings.ToLower(a.Val), isHTMLSpace)
		}
	}
	return nil
}

// hasSkipPrefix reports whether text starts with one of prefixes, ignoring
// case, followed by something other than a letter or digit.
func hasSkipPrefix(text string, prefixes []string) bool {
	lower := strings.ToLower(text)
	for _, p := range prefixes {
		rest, ok := strings.CutPrefix(lower, strings.ToLower(p))
		if !ok || p == "" {
			continue
		}
		r, _ := utf8.DecodeRuneInString(rest)
		if rest == "" || !unicode.IsLetter(r) && !unicode.IsDigit(r) {
			return true
		}
	}
	return false
}

// credit matches a picture's credit line left in the text when its picture
// was dropped: "Photo : AFP", "Crédits photo : Reuters", "© Le Monde",
// "Illustration : J. Martin / Le Parisien".
var credit = regexp.MustCompile(`^(?i:©|\(c\)|(?:photos?|crédits?(?: photos?)?|illustrations?|infographie|dessin)\s*[:/])`)

// isCredit reports whether a block is only a credit line: a short one, so
// that a paragraph starting "Photo : le maire a posé…" stays.
func isCredit(text string) bool {
	text = strings.Map(func(r rune) rune {
		if isNoBreakSpace(r) {
			return ' '
		}
		return r
	}, text)
	return credit.MatchString(text) && len(strings.Fields(text)) <= 8
}
