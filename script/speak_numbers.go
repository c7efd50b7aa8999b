package script

import "strings"

// expandNumber reads a number and what it forms with the tokens after it:
// a time, an ordinal, an amount of money, a quantity with a unit, or, by
// default, the number alone. Every digit run goes through here, so no digit
// reaches the engine.
func expandNumber(b *strings.Builder, toks []token, i int) int {
	a := parseAmount(toks, i)
	if a.n == 0 {
		return 0
	}
	for _, rule := range []func(*strings.Builder, []token, int, amount) int{
		expandTime, expandOrdinal, expandCurrency, expandUnit,
	} {
		if n := rule(b, toks, i, a); n > 0 {
			return n
		}
	}
	w := a.words()
	if n, ok := a.whole(); ok && n == 1 && at(toks, i+1).kind == tokSpace && isMonth(at(toks, i+2).s) {
		w = "premier" // "le 1 mai"
	}
	emit(b, w, at(toks, i+a.n))
	return a.n
}

// expandDash reads a dash between two numbers as "à" ("3-1", "18-25 ans",
// "2019-2020") and drops one between a word and a number ("COVID-19",
// "J-7"), where espeak-ng would say "moins". A spaced minus sign is "moins".
func expandDash(b *strings.Builder, toks []token, i int) int {
	t := toks[i]
	if t.kind != tokOther || !strings.Contains("-–—−", t.s) {
		return 0
	}
	prev, next := at(toks, i-1), at(toks, i+1)
	switch {
	case prev.kind == tokNumber && next.kind == tokNumber && t.s != "—":
		b.WriteString(" à ")
	case prev.kind == tokNumber && next.kind == tokWord, prev.kind == tokWord && next.kind == tokNumber:
		b.WriteString(" ")
	case t.s == "−":
		b.WriteString(" moins ")
	default:
		return 0
	}
	return 1
}

// expandSlash reads a slash between numbers as "sur": "7/10", "24h/24",
// "7j/7".
func expandSlash(b *strings.Builder, toks []token, i int) int {
	prev := at(toks, i-1)
	if !toks[i].is(tokOther, "/") || at(toks, i+1).kind != tokNumber ||
		!(prev.kind == tokNumber || prev.is(tokWord, "h") || prev.is(tokWord, "j")) {
		return 0
	}
	b.WriteString(" sur ")
	return 1
}
