package script

import (
	"strings"
)

// Speak returns the form of a sentence that espeak-ng should read: spaces
// made plain (and removed inside "1 200"), titles and symbols spelled out
// ("M." monsieur, "%" pour cent, "9h15" 9 heures 15), quotation marks and
// markup symbols a listener should not hear removed, ellipses made pauses.
// Letters inside words are never changed. Full number reading is left to the
// engine.
func Speak(text string) string {
	toks := tokenize(text)
	var b strings.Builder
	for i := 0; i < len(toks); {
		i += speakAt(&b, toks, i)
	}
	return tidy(b.String())
}

// rules are tried in order at each token; the first that matches writes the
// spoken form and says how many tokens it consumed.
var rules = []func(b *strings.Builder, toks []token, i int) int{
	groupDigits, expandTitle, expandNumero, expandTime, expandSpeed,
	expandEtc, expandEllipsis, expandSymbol,
}

func speakAt(b *strings.Builder, toks []token, i int) int {
	for _, rule := range rules {
		if n := rule(b, toks, i); n > 0 {
			return n
		}
	}
	t := toks[i]
	if t.kind == tokSpace {
		b.WriteByte(' ') // U+00A0, U+202F, tabs... all become one plain space
	} else {
		b.WriteString(t.s)
	}
	return 1
}

// tidy collapses spaces and removes those left before a comma or a period
// by the rules, and a pause left at the very start.
func tidy(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	s = strings.NewReplacer(" ,", ",", " .", ".", ",,", ",", ",.", ".").Replace(s)
	return strings.TrimSpace(strings.TrimLeft(s, ", "))
}
