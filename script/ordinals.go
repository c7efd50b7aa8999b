package script

import "strings"

// ordinalSuffixes are the endings written after a number to make it an
// ordinal ("1er", "2e", "3ème", "2nd", "XVIIe"), with superscript letters
// folded to plain ones beforehand. The value says which forms they allow.
var ordinalSuffixes = map[string]struct {
	only     uint64 // 1 or 2 for endings only those take ("er", "nd"); 0 for any
	feminine bool
	plural   bool
}{
	"er": {1, false, false}, "ers": {1, false, true},
	"re": {1, true, false}, "ère": {1, true, false}, "res": {1, true, true}, "ères": {1, true, true},
	"nd": {2, false, false}, "nds": {2, false, true}, "nde": {2, true, false}, "ndes": {2, true, true},
	"e": {}, "è": {}, "ème": {}, "eme": {}, "ième": {},
	"es": {0, false, true}, "èmes": {0, false, true}, "emes": {0, false, true}, "ièmes": {0, false, true},
}

var superscripts = strings.NewReplacer("ᵉ", "e", "ʳ", "r", "ˢ", "s", "ᵈ", "d", "ⁿ", "n", "ᵐ", "m")

// ordinalWords reads n with an ordinal suffix: 1 and "re" give "première",
// 2 and "nd" give "second", 21 and "e" give "vingt et unième". ok is false
// for a suffix that does not fit the number ("3er").
func ordinalWords(n uint64, suffix string) (string, bool) {
	s, ok := ordinalSuffixes[superscripts.Replace(suffix)]
	if !ok || n == 0 || s.only != 0 && s.only != n {
		return "", false
	}
	var w string
	switch {
	case n == 1 && s.feminine:
		w = "première"
	case n == 1:
		w = "premier"
	case s.only == 2 && s.feminine:
		w = "seconde"
	case s.only == 2:
		w = "second"
	default:
		w = ordinal(n)
	}
	if s.plural {
		w += "s"
	}
	return w, true
}

// ordinal turns the last word of n's cardinal into its "-ième" form:
// "vingt et unième", "quatre-vingtième", "deux centième", "millième".
func ordinal(n uint64) string {
	words := cardinal(n)
	cut := strings.LastIndexAny(words, " -") + 1
	head, last := words[:cut], words[cut:]
	switch last {
	case "cinq":
		last = "cinqu"
	case "neuf":
		last = "neuv"
	case "vingts", "cents", "millions", "milliards", "billions":
		last = strings.TrimSuffix(last, "s")
	default:
		last = strings.TrimSuffix(last, "e")
	}
	return head + last + "ième"
}

// expandOrdinal reads a whole number with an attached ordinal suffix.
func expandOrdinal(b *strings.Builder, toks []token, i int, a amount) int {
	n, ok := a.whole()
	suffix := at(toks, i+a.n)
	if !ok || suffix.kind != tokWord {
		return 0
	}
	w, ok := ordinalWords(n, suffix.s)
	if !ok {
		return 0
	}
	emit(b, w, at(toks, i+a.n+1))
	return a.n + 1
}
