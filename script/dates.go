package script

import "strings"

var months = [...]string{
	1: "janvier", "février", "mars", "avril", "mai", "juin", "juillet",
	"août", "septembre", "octobre", "novembre", "décembre",
}

// isMonth reports whether a word names a month ("le 1 mai" is read
// "premier mai").
func isMonth(w string) bool {
	w = strings.ToLower(w)
	for _, m := range months[1:] {
		if w == m {
			return true
		}
	}
	return false
}

// monthAbbrevs are the abbreviations of months, written with a period
// ("3 avr. 2025"); "mar." is left out, as it is also mardi.
var monthAbbrevs = map[string]int{
	"janv": 1, "févr": 2, "fév": 2, "fevr": 2, "avr": 4, "juil": 7,
	"sept": 9, "oct": 10, "nov": 11, "déc": 12, "dec": 12,
}

// monthAt reports whether a month, written out or abbreviated, starts at
// toks[k].
func monthAt(toks []token, k int) bool {
	t := at(toks, k)
	_, abbrev := monthAbbrevs[strings.ToLower(t.s)]
	return t.kind == tokWord && (isMonth(t.s) || abbrev && at(toks, k+1).is(tokOther, "."))
}

// expandMonthAbbrev reads an abbreviated month after a day or before a year:
// "3 avr. 2025" is "trois avril deux mille vingt-cinq", "le 1er janv."
// "le premier janvier". Its period is kept only where it ends the text.
func expandMonthAbbrev(b *strings.Builder, toks []token, i int) int {
	m, ok := monthAbbrevs[strings.ToLower(toks[i].s)]
	if !ok || toks[i].kind != tokWord || !at(toks, i+1).is(tokOther, ".") {
		return 0
	}
	afterDay := at(toks, i-1).kind == tokSpace && (at(toks, i-2).kind == tokNumber ||
		at(toks, i-2).kind == tokWord && at(toks, i-3).kind == tokNumber && ordinalSuffixes[at(toks, i-2).s].only == 1)
	beforeYear := at(toks, i+2).kind == tokSpace && at(toks, i+3).kind == tokNumber && len(at(toks, i+3).s) == 4
	if !afterDay && !beforeYear {
		return 0
	}
	w := months[m]
	if blankFrom(toks, i+2) {
		w += "."
	}
	emit(b, w, at(toks, i+2))
	return 2
}

// expandDayList reads days written together before a month: "les 3/4
// octobre" and "les 3-4-5 octobre" as lists ("les trois et quatre", "les
// trois, quatre et cinq"), "3-5 octobre" as a range ("du trois au cinq").
// A slash is never "sur" here.
func expandDayList(b *strings.Builder, toks []token, i int) int {
	if prev := at(toks, i-1); prev.kind == tokOther && strings.Contains("/-.,", prev.s) {
		return 0
	}
	sep := at(toks, i+1)
	if !sep.is(tokOther, "/") && !sep.is(tokOther, "-") {
		return 0
	}
	var days []string
	k := i
	for {
		d := at(toks, k)
		if d.kind != tokNumber || len(d.s) > 2 || atou(d.s) < 1 || atou(d.s) > 31 {
			return 0
		}
		days = append(days, dayWords(d.s))
		if !at(toks, k+1).is(tokOther, sep.s) {
			break
		}
		k += 2
	}
	if len(days) < 2 || !monthAt(toks, skipSpace(toks, k+1)) || skipSpace(toks, k+1) == k+1 {
		return 0
	}
	before := wordBefore(toks, i)
	var w string
	switch {
	case sep.s == "-" && len(days) == 2 && before == "du":
		w = days[0] + " au " + days[1]
	case sep.s == "-" && len(days) == 2 && before != "les":
		w = "du " + days[0] + " au " + days[1]
	default:
		w = strings.Join(days[:len(days)-1], ", ") + " et " + days[len(days)-1]
	}
	emit(b, w, at(toks, k+1))
	return k - i + 1
}

// dayWords reads a day of the month: "premier" for the first.
func dayWords(day string) string {
	if atou(day) == 1 {
		return "premier"
	}
	return cardinal(atou(day))
}

// articleBefore are the words after which a numeric date needs no "le":
// "le 14/07/2025", "du 01/05", "jusqu'au 3/4/2024".
var articleBefore = setOf("le", "du", "au", "ce")

// expandDate reads numeric dates, "14/07/2025", "1/5/2024", "03.04.2025",
// "03-04-2025", "14/07" (a day or a month written with a leading zero, so
// that a mark such as "10/10" stays a fraction), "le 3.04" (after an article,
// so that "3.5 %" stays a decimal) and ISO "2025-07-14", as "le quatorze
// juillet deux mille vingt-cinq". Days come before months, as in French.
func expandDate(b *strings.Builder, toks []token, i int) int {
	day, month, year, n := numericDate(toks, i)
	if n == 0 {
		return 0
	}
	var parts []string
	if !articleBefore[wordBefore(toks, i)] {
		parts = append(parts, "le")
	}
	parts = append(parts, dayWords(day))
	parts = append(parts, months[atou(month)])
	if year != "" {
		parts = append(parts, cardinal(atou(year)))
	}
	emit(b, strings.Join(parts, " "), at(toks, i+n))
	return n
}

// numericDate finds a date written with digits at toks[i]. It returns its
// parts as written (year may be "") and the tokens it spans, or n = 0.
func numericDate(toks []token, i int) (day, month, year string, n int) {
	t := func(k int) token { return at(toks, i+k) }
	num := func(k, min, max int) bool {
		s := t(k).s
		return t(k).kind == tokNumber && len(s) >= min && len(s) <= max
	}
	if opensDecimal(t(-1)) || t(-1).is(tokOther, "/") || t(-1).is(tokOther, "-") {
		return "", "", "", 0
	}
	sep := t(1).s
	dateSep := t(1).kind == tokOther && (sep == "/" || sep == "." || sep == "-")
	afterArticle := articleBefore[wordBefore(toks, i)]
	switch {
	case num(0, 4, 4) && t(1).is(tokOther, "-") && num(2, 2, 2) && t(3).is(tokOther, "-") && num(4, 2, 2):
		day, month, year, n = t(4).s, t(2).s, t(0).s, 5
	case dateSep && num(0, 1, 2) && num(2, 1, 2) && t(3).is(tokOther, sep) && num(4, 4, 4):
		day, month, year, n = t(0).s, t(2).s, t(4).s, 5
	case (num(0, 2, 2) || afterArticle && num(0, 1, 1)) && t(1).is(tokOther, "/") && num(2, 2, 2) && (t(0).s[0] == '0' || t(2).s[0] == '0'):
		// "01/02", and "le 6/02" after an article
		day, month, n = t(0).s, t(2).s, 3
	case afterArticle && num(0, 1, 2) && t(1).is(tokOther, ".") && num(2, 2, 2) && !quantityAt(toks, skipSpace(toks, i+3)):
		day, month, n = t(0).s, t(2).s, 3
	default:
		return "", "", "", 0
	}
	if next := t(n); next.kind == tokNumber || next.is(tokOther, "/") ||
		(next.is(tokOther, "-") || next.is(tokOther, ".")) && t(n+1).kind == tokNumber {
		return "", "", "", 0
	}
	if d, m := atou(day), atou(month); d < 1 || d > 31 || m < 1 || m > 12 {
		return "", "", "", 0
	}
	return day, month, year, n
}
