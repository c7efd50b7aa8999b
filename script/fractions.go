package script

import "strings"

// maxFractionDenominator is the largest denominator read as a fraction
// without an ordinal suffix: "3/4" is "trois quarts", but "7/10" and
// "14/20" are marks, "sept sur dix". With a suffix ("1/16e") up to
// maxSuffixedDenominator.
const (
	maxFractionDenominator = 9
	maxSuffixedDenominator = 100
)

// expandFraction reads a proper fraction: "1/2" is "un demi" (and "la
// moitié" before "des", "du", "de"), "1/3" "un tiers", "3/4 des électeurs"
// "trois quarts des électeurs", "1/8e de finale" "un huitième de finale";
// after a small whole number, "2 1/2" is "deux et demi". Dates and day lists
// are read first, so "01/02" and "les 3/4 octobre" never come here.
func expandFraction(b *strings.Builder, toks []token, i int) int {
	num, slash, den := at(toks, i), at(toks, i+1), at(toks, i+2)
	if prev := at(toks, i-1); prev.kind == tokOther && strings.Contains("/-.,", prev.s) || prev.kind == tokWord ||
		!slash.is(tokOther, "/") || den.kind != tokNumber || len(num.s) > 2 || len(den.s) > 3 {
		return 0
	}
	end := i + 3
	n, d := atou(num.s), atou(den.s)
	limit := uint64(maxFractionDenominator)
	if s := at(toks, end); s.kind == tokWord && (s.s == "e" || s.s == "es" || s.s == "ème" || s.s == "èmes") {
		limit, end = maxSuffixedDenominator, end+1
	}
	if next := at(toks, end); n < 1 || n >= d || d > limit || num.s[0] == '0' || den.s[0] == '0' ||
		next.kind == tokNumber || next.kind == tokWord || next.kind == tokOther && strings.Contains("/-.,", next.s) && at(toks, end+1).kind == tokNumber {
		return 0
	}
	w := fractionName(n, d)
	prevWord := wordBefore(toks, i)
	switch mixed := at(toks, i-1).kind == tokSpace && at(toks, i-2).kind == tokNumber && len(at(toks, i-2).s) <= 3 &&
		!opensDecimal(at(toks, i-3)); {
	case mixed && d == 2:
		w = "et demi"
	case mixed && n == 1 && d == 4:
		w = "et quart"
	case mixed:
		w = "et " + w
	case n == 1 && d == 2 && ofAfter(toks, end) && !singularDeterminers[prevWord] && !pluralDeterminers[prevWord]:
		w = "la moitié"
	case n == 1 && d == 2 && at(toks, end).kind == tokSpace && strings.HasPrefix(at(toks, end+1).s, "final"):
		b.WriteString("demi-") // "1/2 finale": une demi-finale
		return end + 1 - i
	case n == 1 && singularDeterminers[prevWord]:
		w = strings.TrimPrefix(w, "un ") // "le 1/4 de finale": le quart
	case n == 1 && pluralDeterminers[prevWord]:
		w = strings.TrimSuffix(strings.TrimPrefix(w, "un "), "s") + "s" // "les 1/8e de finale": les huitièmes
	}
	emit(b, w, at(toks, end))
	return end - i
}

// Determiners before a fraction make it a noun already: "le 1/4 de
// finale" is "le quart de finale", "les 1/8e" "les huitièmes".
var (
	singularDeterminers = setOf("la", "le", "du", "au", "ce", "une", "un", "sa", "son", "leur")
	pluralDeterminers   = setOf("les", "des", "aux", "ces", "leurs")
)

// fractionName reads n/d in words: "un demi", "deux tiers", "trois quarts",
// "cinq huitièmes".
func fractionName(n, d uint64) string {
	var name string
	switch d {
	case 2:
		name = "demi"
	case 3:
		name = "tiers" // invariable
	case 4:
		name = "quart"
	default:
		name = ordinal(d)
	}
	if n > 1 && d != 3 {
		name += "s"
	}
	return cardinal(n) + " " + name
}

// ofAfter reports whether "de", "des", "du" or "d'" follows toks[k].
func ofAfter(toks []token, k int) bool {
	if at(toks, k).kind != tokSpace {
		return false
	}
	w := strings.ToLower(at(toks, k+1).s)
	return w == "de" || w == "des" || w == "du" || w == "d" && at(toks, k+2).is(tokOther, "'")
}
