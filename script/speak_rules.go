package script

import "strings"

// Each rule looks at toks[i] (and around it), and when it applies writes the
// spoken form to b and returns how many tokens it consumed; otherwise 0.

// titleWords spells out titles. They apply before a capitalised name ("M.
// Macron", "Mme Dupont", "St-Étienne"), and those that are never words
// also before a lower-case one ("M. le maire", "Mme la sénatrice", "MM. les
// députés"); "Me" and "St" are read so only before a name, as "Me voilà"
// is French.
var titleWords = map[string]string{
	"M": "monsieur", "MM": "messieurs", "Mme": "madame", "Mmes": "mesdames",
	"Mlle": "mademoiselle", "Mlles": "mesdemoiselles", "Dr": "docteur",
	"Pr": "professeur", "Me": "maître", "Mgr": "monseigneur",
	"St": "saint", "Ste": "sainte",
}

var determiners = setOf("les", "des", "ces", "deux", "trois", "quelques", "plusieurs")

// titlesOnlyBeforeNames are the titles that are also words or initials.
var titlesOnlyBeforeNames = setOf("Me", "St", "Ste")

func expandTitle(b *strings.Builder, toks []token, i int) int {
	word, ok := titleWords[toks[i].s]
	prev := at(toks, i-1)
	if !ok || toks[i].kind != tokWord || !(prev.kind == tokNone || prev.kind == tokSpace || strings.Contains(`(["«“`, prev.s)) {
		return 0 // "J.-M." is an initial, not monsieur
	}
	j := i + 1
	dot := at(toks, j).is(tokOther, ".")
	if dot {
		j++
	}
	saintOf := (toks[i].s == "St" || toks[i].s == "Ste") && at(toks, j).is(tokOther, "-") && at(toks, j+1).kind == tokWord
	next := at(toks, j+1)
	beforeName := at(toks, j).kind == tokSpace && next.capitalised()
	// After a determiner the abbreviation is a noun ("les Mmes sont là").
	beforeWord := at(toks, j).kind == tokSpace && next.kind == tokWord && !titlesOnlyBeforeNames[toks[i].s] &&
		!determiners[strings.ToLower(at(toks, i-2).s)]
	if (toks[i].s == "M" && !dot) || !(saintOf || beforeName || beforeWord) {
		return 0
	}
	b.WriteString(word)
	return j - i
}

// expandNumero reads "n°", "N°", "nº" (with an ordinal indicator), and "No"
// or "No." before a number, as numéro.
func expandNumero(b *strings.Builder, toks []token, i int) int {
	t, n := toks[i], 0
	switch {
	case t.kind == tokWord && (t.s == "nº" || t.s == "Nº"):
		n = 1
	case t.kind == tokWord && (t.s == "nºs" || t.s == "Nºs"):
		b.WriteString("numéros ")
		return 1
	case t.kind == tokWord && (t.s == "n" || t.s == "N") && at(toks, i+1).is(tokOther, "°") && at(toks, i+2).is(tokWord, "s"):
		b.WriteString("numéros ") // "les n°s 3 et 4"
		return 3
	case t.kind == tokWord && (t.s == "n" || t.s == "N") && at(toks, i+1).is(tokOther, "°"):
		n = 2
	case t.kind == tokWord && (t.s == "No" || t.s == "no") && at(toks, i+1).kind == tokSpace && at(toks, i+2).kind == tokNumber:
		n = 1 // "N<sup>o</sup> 5" once its markup is gone
	case t.kind == tokWord && (t.s == "No" || t.s == "no") && at(toks, i+1).is(tokOther, ".") &&
		at(toks, i+2).kind == tokSpace && at(toks, i+3).kind == tokNumber:
		n = 2
	default:
		return 0
	}
	b.WriteString("numéro ")
	return n
}

// expandSpeed reads "km/h" as kilomètres heure; espeak-ng would say "slash".
func expandSpeed(b *strings.Builder, toks []token, i int) int {
	if !toks[i].is(tokWord, "km") || !at(toks, i+1).is(tokOther, "/") || !at(toks, i+2).is(tokWord, "h") {
		return 0
	}
	b.WriteString("kilomètres heure")
	return 3
}

// expandReference reads the abbreviations of a reference before its number:
// "p. 12" page douze, "pp. 3-5" pages, "vol. 2" volume, "chap. 4" chapitre,
// "art. 7" article, "fig. 3" figure; and "c.-à-d." c'est-à-dire.
func expandReference(b *strings.Builder, toks []token, i int) int {
	t := toks[i]
	if t.is(tokWord, "c") && at(toks, i+1).is(tokOther, ".") && at(toks, i+2).is(tokOther, "-") &&
		at(toks, i+3).is(tokWord, "à") && at(toks, i+4).is(tokOther, "-") && at(toks, i+5).is(tokWord, "d") && at(toks, i+6).is(tokOther, ".") {
		emit(b, "c'est-à-dire", at(toks, i+7))
		return 7
	}
	w, ok := referenceWords[t.s]
	if !ok || t.kind != tokWord || !at(toks, i+1).is(tokOther, ".") || !opensWord(at(toks, i-1)) && !at(toks, i-1).is(tokOther, "'") {
		return 0
	}
	if n := at(toks, skipSpace(toks, i+2)); n.kind != tokNumber {
		return 0
	}
	emit(b, w, at(toks, i+2))
	return 2
}

// referenceWords are the abbreviations expandReference reads.
var referenceWords = map[string]string{
	"p": "page", "pp": "pages", "vol": "volume", "chap": "chapitre", "art": "article", "fig": "figure",
}

// expandEtc reads "etc." as et cetera, keeping the period only when it ends
// the text (and so the sentence).
func expandEtc(b *strings.Builder, toks []token, i int) int {
	if !toks[i].is(tokWord, "etc") {
		return 0
	}
	b.WriteString("et cetera")
	if !at(toks, i+1).is(tokOther, ".") || at(toks, i+2).is(tokOther, ".") {
		return 1 // "etc" alone, or "etc..." whose dots are an ellipsis
	}
	if blankFrom(toks, i+2) {
		b.WriteString(".")
	}
	return 2
}

// expandEllipsis makes "…" and "..." a pause (a comma, or a period at the
// end), and removes "(…)" and "[…]", which mark a cut in a quotation.
func expandEllipsis(b *strings.Builder, toks []token, i int) int {
	open := toks[i].is(tokOther, "(") || toks[i].is(tokOther, "[")
	start := i
	if open {
		start++
	}
	end := start
	for at(toks, end).is(tokOther, ".") || at(toks, end).is(tokOther, "…") {
		end++
	}
	dots := end - start
	if dots == 0 || dots == 1 && toks[start].s == "." {
		return 0
	}
	if open {
		if c := at(toks, end); c.is(tokOther, ")") || c.is(tokOther, "]") {
			b.WriteString(" ")
			return end - i + 1
		}
		return 0
	}
	if blankFrom(toks, end) {
		b.WriteString(".")
	} else {
		b.WriteString(", ")
	}
	return end - i
}

// blankFrom reports whether only spaces and quotation marks follow toks[k:].
func blankFrom(toks []token, k int) bool {
	for _, t := range toks[min(k, len(toks)):] {
		if t.kind != tokSpace && !strings.Contains(quoteMarks, t.s) {
			return false
		}
	}
	return true
}
