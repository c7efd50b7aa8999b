package script

import (
	"strings"
	"unicode"
)

// tokKind classifies the pieces Speak works on.
type tokKind int

const (
	tokWord   tokKind = iota // letters and combining marks: "drôle", "Mmes", "h"
	tokNumber                // digits: "1", "200", "15"
	tokSpace                 // a run of any Unicode spaces
	tokOther                 // any other single rune: ".", "°", "€", "«"
	tokNone   tokKind = -1   // before the first or after the last token
)

type token struct {
	kind tokKind
	s    string
}

// apostrophes are the typographic forms spoken as a plain apostrophe.
var apostrophes = strings.NewReplacer("’", "'", "ʼ", "'", "‘", "'")

// superscriptLetters are the modifier letters typographers use for the
// abbreviations of titles and ordinals ("Mᵐᵉ", "Mˡˡᵉ", "Dʳ", "1ᵉʳ", "XIXᵉ"),
// folded to plain letters so that one rule reads both forms. A superscript
// o is the ordinal indicator of "Nᵒ", which the numéro rule knows as "Nº".
var superscriptLetters = map[rune]rune{
	'ᵃ': 'a', 'ᵇ': 'b', 'ᶜ': 'c', 'ᵈ': 'd', 'ᵉ': 'e', 'ᶠ': 'f', 'ᵍ': 'g', 'ʰ': 'h',
	'ⁱ': 'i', 'ʲ': 'j', 'ᵏ': 'k', 'ˡ': 'l', 'ᵐ': 'm', 'ⁿ': 'n', 'ᵒ': 'º', 'ᵖ': 'p',
	'ʳ': 'r', 'ˢ': 's', 'ᵗ': 't', 'ᵘ': 'u', 'ᵛ': 'v', 'ʷ': 'w', 'ˣ': 'x', 'ʸ': 'y',
	'ᶻ': 'z', 'ª': 'a',
}

// tokenize cuts text into words, numbers, spaces and single other runes.
// Because a word is a whole run of letters, a rule matching "Mme" can never
// match inside "Mmes" or a rule matching "h" inside "heure". Invisible format
// characters (soft hyphen, zero-width space), emoji variation selectors and
// control characters are dropped; digits of other scripts become ASCII and
// superscript letters plain ones.
func tokenize(text string) []token {
	var toks []token
	var cur strings.Builder
	kind := tokOther
	flush := func() {
		if cur.Len() > 0 {
			toks = append(toks, token{kind, cur.String()})
			cur.Reset()
		}
	}
	for _, r := range apostrophes.Replace(text) {
		k := kindOf(r)
		if k == tokNumber && r > '9' {
			r = asciiDigit(r)
		}
		if plain, ok := superscriptLetters[r]; ok {
			r = plain
		}
		switch {
		case invisible(r):
			continue
		case k != kind || k == tokOther:
			flush()
			kind = k
		}
		cur.WriteRune(r)
	}
	flush()
	return toks
}

func kindOf(r rune) tokKind {
	switch {
	case unicode.IsLetter(r) || unicode.IsMark(r):
		return tokWord
	case unicode.IsDigit(r):
		return tokNumber
	case unicode.IsSpace(r):
		return tokSpace
	}
	return tokOther
}

// at returns the token at i, or a zero token outside the slice, so rules can
// look around without bounds checks.
func at(toks []token, i int) token {
	if i < 0 || i >= len(toks) {
		return token{kind: tokNone}
	}
	return toks[i]
}

// wordBefore returns, in lower case, the word that one space separates from
// toks[i] ("le" in "le 3.04", "les" in "les 3/4 octobre"), or "".
func wordBefore(toks []token, i int) string {
	if at(toks, i-1).kind != tokSpace || at(toks, i-2).kind != tokWord {
		return ""
	}
	return strings.ToLower(at(toks, i-2).s)
}

func (t token) is(kind tokKind, s string) bool { return t.kind == kind && t.s == s }

func (t token) capitalised() bool {
	for _, r := range t.s {
		return t.kind == tokWord && unicode.IsUpper(r)
	}
	return false
}

// invisible reports whether r is a format or control character or a mark
// that only decorates an emoji (variation selectors, the keycap).
func invisible(r rune) bool {
	return unicode.Is(unicode.Cf, r) || unicode.IsControl(r) && !unicode.IsSpace(r) ||
		unicode.Is(unicode.Variation_Selector, r) || r == '\u20e3'
}

// asciiDigit maps a decimal digit of any script to '0'-'9'. Unicode puts
// each script's digits in runs of ten from zero.
func asciiDigit(r rune) rune {
	zero := r
	for unicode.IsDigit(zero - 1) {
		zero--
	}
	return '0' + (r-zero)%10
}
