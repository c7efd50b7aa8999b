package script

import (
	"strings"
	"unicode/utf8"
)

// Speak returns the form of a sentence that espeak-ng should read, in fully
// expanded French words, so that no reading is left to the engine's guesses:
//
//   - numbers: "1 200" (any space), "1.200", "2,5", "−3", "3,05", years,
//     ordinals ("1er", "21e", "2nd"), times ("9h15"), durations ("2 h 30
//     min"), dates ("14/07/2025"), money ("3,50 €", "2 M€", "300 k€") and
//     units ("130 km/h", "−5 °C", "12 m²") all become words;
//   - Roman numerals with a suffix ("XVIIe"), after a name ("Louis XIV") or a
//     cue word ("chapitre IV") are read as numbers;
//   - titles before a name ("M.", "Mme", "Dr"), "n°", "etc.", "&", "%";
//   - listed acronyms are spelled ("E D F") or read as words ("Otan");
//   - web addresses are read the short way ("exemple point fr");
//   - quotation marks, markup, emoji and decorative symbols are dropped;
//     ellipses become pauses.
//
// Numbers inside identifiers are read as numbers between the letters,
// which is how they are said: "A380" is "A trois cent quatre-vingts",
// "COVID-19" "Covid dix-neuf", "iPhone 15" "iPhone quinze". Letters inside
// words are never changed ("drôle", "Mmes"), and no digit is left.
func Speak(text string) string {
	toks := tokenize(speakAddresses(text))
	var b strings.Builder
	for i := 0; i < len(toks); {
		i += speakAt(&b, toks, i)
	}
	return tidy(b.String())
}

// rules are tried in order at each token; the first that matches writes the
// spoken form and says how many tokens it consumed.
var rules = []func(b *strings.Builder, toks []token, i int) int{
	expandTitle, expandNumero, expandReference, expandInclusive, expandDayList, expandDate, expandFraction, expandArticleRef, expandNumber,
	expandCurrencyFirst, expandMonthAbbrev,
	expandRoman, expandAcronym, expandSpeed, expandUnitAlone, expandEtc, expandEllipsis,
	expandTimes, expandDash, expandSlash, expandSymbol,
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

// emit writes words that replace tokens, with a space on each side where a
// letter or a digit would otherwise touch them ("A380" gives "A trois cent
// quatre-vingts"), but not after an apostrophe ("d'E D F").
func emit(b *strings.Builder, words string, next token) {
	if r, _ := utf8.DecodeLastRuneInString(b.String()); isWordRune(r) {
		b.WriteByte(' ')
	}
	b.WriteString(words)
	if next.kind == tokWord || next.kind == tokNumber {
		b.WriteByte(' ')
	}
}

// tidy collapses spaces and removes those left before a comma or a period
// or inside brackets by the rules, and a pause left at the very start.
func tidy(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	s = strings.NewReplacer(" ,", ",", " .", ".", ",,", ",", ",.", ".", "( ", "(", " )", ")").Replace(s)
	return strings.TrimSpace(strings.TrimLeft(s, ", "))
}
