package script

import (
	"strings"
	"unicode"
)

var romanValues = map[rune]int{'I': 1, 'V': 5, 'X': 10, 'L': 50, 'C': 100, 'D': 500, 'M': 1000}

// parseRoman reads an upper-case Roman numeral in its standard form only
// ("XIV", not "XIIII" nor "IC"), so that ordinary capitals rarely pass.
func parseRoman(s string) (int, bool) {
	n := 0
	for i, r := range s {
		v, ok := romanValues[r]
		if !ok {
			return 0, false
		}
		if i+1 < len(s) && romanValues[rune(s[i+1])] > v {
			n -= v
		} else {
			n += v
		}
	}
	return n, n > 0 && n < 4000 && toRoman(n) == s
}

func toRoman(n int) string {
	var b strings.Builder
	for _, p := range []struct {
		v int
		s string
	}{{1000, "M"}, {900, "CM"}, {500, "D"}, {400, "CD"}, {100, "C"}, {90, "XC"}, {50, "L"}, {40, "XL"}, {10, "X"}, {9, "IX"}, {5, "V"}, {4, "IV"}, {1, "I"}} {
		for ; n >= p.v; n -= p.v {
			b.WriteString(p.s)
		}
	}
	return b.String()
}

// romanCues are the words after which a Roman numeral is a plain number:
// "chapitre IV", "acte III".
var romanCues = setOf("chapitre", "tome", "acte", "scène", "livre", "partie", "titre", "volume", "saison", "phase", "annexe", "épisode")

// expandRoman reads Roman numerals where their role is clear:
//   - with an ordinal suffix: "XVIIe siècle", "Vème République", "François
//     Ier" (dix-septième, cinquième, premier); one-letter "C", "L", "D", "M"
//     are left out, as "Ce", "Le", "De", "Me" are words;
//   - after a capitalised name, as a regnal number: "Louis XIV" is "Louis
//     quatorze"; "X" and "I" alone are left out ("Malcolm X");
//   - after a cue word: "chapitre IV" is "chapitre quatre".
func expandRoman(b *strings.Builder, toks []token, i int) int {
	t := toks[i]
	if t.kind != tokWord {
		return 0
	}
	if w, ok := romanOrdinal(t.s); ok {
		emit(b, w, at(toks, i+1))
		return 1
	}
	n, ok := parseRoman(t.s)
	if !ok || n > 39 || strings.Trim(t.s, "IVX") != "" || at(toks, i-1).kind != tokSpace ||
		at(toks, i+1).kind == tokWord || at(toks, i+1).is(tokOther, "'") {
		return 0
	}
	prev := at(toks, i-2)
	switch {
	case romanCues[strings.ToLower(prev.s)] && prev.kind == tokWord:
		emit(b, cardinal(uint64(n)), at(toks, i+1))
	case isName(prev) && t.s != "I" && t.s != "X":
		emit(b, cardinal(uint64(n)), at(toks, i+1))
	default:
		return 0
	}
	return 1
}

// romanOrdinal reads "XVIIe", "Ier", "IIIème": a numeral from I to CCCXCIX
// with an ordinal suffix.
func romanOrdinal(s string) (string, bool) {
	k := strings.IndexFunc(s, func(r rune) bool { return !strings.ContainsRune("IVXLC", r) })
	if k <= 0 || s[:k] == "C" || s[:k] == "L" {
		return "", false
	}
	n, ok := parseRoman(s[:k])
	if !ok {
		return "", false
	}
	return ordinalWords(uint64(n), s[k:])
}

// isName reports whether t is a capitalised word in mixed case ("Louis",
// "Benoît"), not an all-capitals acronym or headline word.
func isName(t token) bool {
	if t.kind != tokWord || !t.capitalised() {
		return false
	}
	rs := []rune(t.s)
	return len(rs) > 1 && strings.IndexFunc(t.s[1:], unicode.IsLower) >= 0
}
