package script

import "strings"

// expandInclusive reads the inclusive forms French copy writes with a
// middle dot or in brackets, "électeur·rice·s", "député·e·s", "citoyen·nes",
// "étudiant(e)s", "tou·te·s", as the two words they stand for, the feminine
// first as in a speech's "Françaises, Français": "électrices et électeurs",
// "étudiante ou étudiant" in the singular. The engine would otherwise say
// "électeur point rice point s".
func expandInclusive(b *strings.Builder, toks []token, i int) int {
	base := toks[i]
	if base.kind != tokWord || !opensWord(at(toks, i-1)) && !at(toks, i-1).is(tokOther, "'") {
		return 0
	}
	var suffix string
	plural := false
	n := 0
	switch sep := at(toks, i+1); {
	case inclusiveDots[sep.s] && sep.kind == tokOther && at(toks, i+2).kind == tokWord:
		suffix, n = at(toks, i+2).s, 3
		if d := at(toks, i+3); inclusiveDots[d.s] && at(toks, i+4).is(tokWord, "s") {
			plural, n = true, 5
		}
	case sep.is(tokOther, "(") && at(toks, i+2).kind == tokWord && at(toks, i+3).is(tokOther, ")"):
		suffix, n = at(toks, i+2).s, 4
		if at(toks, i+4).is(tokWord, "s") {
			plural, n = true, 5
		}
	default:
		return 0
	}
	if next := at(toks, i+n); next.kind == tokWord || next.kind == tokNumber {
		return 0
	}
	if pair, ok := pronounPairs[strings.ToLower(base.s)+"·"+strings.ToLower(suffix)]; ok && !plural {
		emit(b, pair, at(toks, i+n)) // "ils·elles" elles et ils
		return n
	}
	if s, ok := strings.CutSuffix(suffix, "s"); ok && s != "" {
		suffix, plural = s, true
	}
	fem, masc, ok := inclusivePair(base.s, strings.ToLower(suffix))
	if !ok {
		return 0
	}
	join := " ou "
	if plural {
		fem, join = pluralOf(fem), " et "
		if stem, found := strings.CutSuffix(masc, "tout"); found {
			masc = stem + "tous" // "tou·te·s" toutes et tous
		} else {
			masc = pluralOf(masc)
		}
	}
	emit(b, fem+join+masc, at(toks, i+n))
	return n
}

// pronounPairs are the pronouns written as two whole words.
var pronounPairs = map[string]string{
	"il·elle": "elle ou il", "elle·il": "elle ou il", "ils·elles": "elles et ils", "elles·ils": "elles et ils",
	"celui·celle": "celle ou celui", "ceux·celles": "celles et ceux", "celles·ceux": "celles et ceux",
	"lui·elle": "elle ou lui", "eux·elles": "elles et eux",
}

// inclusiveDots are the dots written between a word and its feminine ending.
var inclusiveDots = setOf("·", "•", "⋅", "‧")

// inclusivePair returns the feminine and masculine words that base and its
// feminine ending stand for: "électeur" and "rice" are électrice and
// électeur, "infirmier" and "ère" infirmière and infirmier. It reports false
// for an ending it does not know, which is left alone.
func inclusivePair(base, ending string) (fem, masc string, ok bool) {
	switch {
	case ending == "e" || ending == "ne" || ending == "le" || ending == "te" || ending == "sse":
		if strings.HasSuffix(base, "tou") { // "tou·te·s"
			return base + "te", base + "t", true
		}
		if stem, found := strings.CutSuffix(base, "er"); found && ending == "e" {
			return stem + "ère", base, true // "infirmier·es", "étranger·e"
		}
		return base + ending, base, true
	case ending == "rice" || ending == "trice" || ending == "ice":
		if stem, found := strings.CutSuffix(base, "teur"); found {
			return stem + "trice", base, true
		}
	case ending == "euse":
		if stem, found := strings.CutSuffix(base, "eur"); found {
			return stem + "euse", base, true
		}
	case ending == "ère":
		if stem, found := strings.CutSuffix(base, "er"); found {
			return stem + "ère", base, true
		}
	case ending == "ve":
		if stem, found := strings.CutSuffix(base, "f"); found {
			return stem + "ve", base, true
		}
	case ending == "se":
		if stem, found := strings.CutSuffix(base, "x"); found {
			return stem + "se", base, true
		}
	}
	return "", "", false
}

// pluralOf adds the s of the plural, unless the word has one already.
func pluralOf(w string) string {
	if strings.HasSuffix(w, "s") || strings.HasSuffix(w, "x") || strings.HasSuffix(w, "z") {
		return w
	}
	return w + "s"
}
