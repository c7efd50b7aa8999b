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

// articleBefore are the words after which a numeric date needs no "le":
// "le 14/07/2025", "du 01/05", "jusqu'au 3/4/2024".
var articleBefore = setOf("le", "du", "au", "ce")

// expandDate reads numeric dates, "14/07/2025", "1/5/2024", "14/07" (a
// day or a month written with a leading zero, so that a mark such as "10/10"
// stays a fraction) and ISO "2025-07-14", as "le quatorze juillet deux mille
// vingt-cinq".
func expandDate(b *strings.Builder, toks []token, i int) int {
	day, month, year, n := numericDate(toks, i)
	if n == 0 {
		return 0
	}
	var parts []string
	if prev := at(toks, i-2); !(at(toks, i-1).kind == tokSpace && articleBefore[strings.ToLower(prev.s)]) {
		parts = append(parts, "le")
	}
	if day == "1" || day == "01" {
		parts = append(parts, "premier")
	} else {
		parts = append(parts, cardinal(atou(day)))
	}
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
	switch {
	case num(0, 4, 4) && t(1).is(tokOther, "-") && num(2, 2, 2) && t(3).is(tokOther, "-") && num(4, 2, 2):
		day, month, year, n = t(4).s, t(2).s, t(0).s, 5
	case num(0, 1, 2) && t(1).is(tokOther, "/") && num(2, 1, 2) && t(3).is(tokOther, "/") && num(4, 4, 4):
		day, month, year, n = t(0).s, t(2).s, t(4).s, 5
	case num(0, 2, 2) && t(1).is(tokOther, "/") && num(2, 2, 2) && (t(0).s[0] == '0' || t(2).s[0] == '0'):
		day, month, n = t(0).s, t(2).s, 3
	default:
		return "", "", "", 0
	}
	if next := t(n); next.kind == tokNumber || next.is(tokOther, "/") || next.is(tokOther, "-") && t(n+1).kind == tokNumber {
		return "", "", "", 0
	}
	if d, m := atou(day), atou(month); d < 1 || d > 31 || m < 1 || m > 12 {
		return "", "", "", 0
	}
	return day, month, year, n
}
