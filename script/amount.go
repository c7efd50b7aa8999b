package script

import "strings"

// amount is a number as written in the text: its sign, its integer digits
// with the thousands separators removed, the decimals after a comma, and the
// parts of a dotted version ("15.1") after the first.
type amount struct {
	sign    string // "", "moins" or "plus"
	integer string
	frac    string
	version []string
	n       int // tokens consumed
}

// signs are the characters read as a sign right before a number: the
// hyphen-minus, the minus sign, the en dash typed for it, and plus.
var signs = map[string]string{"-": "moins", "−": "moins", "–": "moins", "+": "plus"}

// parseAmount reads the number starting at toks[i] (a digit run, or a sign
// right before one). n is 0 when there is none.
func parseAmount(toks []token, i int) amount {
	var a amount
	j := i
	// i may be past the end: a rule looking for a factor after "0x0x".
	if w, ok := signs[at(toks, i).s]; ok && at(toks, i).kind == tokOther {
		if !opensWord(at(toks, i-1)) || at(toks, i+1).kind != tokNumber {
			return a
		}
		a.sign, j = w, i+1
	}
	if at(toks, j).kind != tokNumber {
		return a
	}
	a.integer = toks[j].s
	j = a.group(toks, j)
	if at(toks, j+1).is(tokOther, ",") && at(toks, j+2).kind == tokNumber {
		a.frac = toks[j+2].s
		j += 2
	} else {
		for at(toks, j+1).is(tokOther, ".") && at(toks, j+2).kind == tokNumber {
			a.version = append(a.version, toks[j+2].s)
			j += 2
		}
	}
	a.n = j - i + 1
	return a
}

// opensWord reports whether a sign after t stands before a number rather
// than between two words ("COVID-19", "2019-2020").
func opensWord(t token) bool {
	return t.kind == tokNone || t.kind == tokSpace || strings.Contains(`(["«“/`, t.s)
}

// group extends the integer at toks[j] over its thousands groups and returns
// the index of its last token. Groups are separated by spaces of any kind
// ("1 200", "1 200" with U+202F) or by dots ("1.200"). Only groups of three
// after a first group of one to three digits join, so "en 2019 300
// personnes" and phone numbers stay apart; a dotted number joins only if no
// further ".digit" makes it a version or an address ("192.168.0.1").
func (a *amount) group(toks []token, j int) int {
	first := toks[j].s
	if len(first) > 3 || opensDecimal(at(toks, j-1)) {
		return j
	}
	k := j
	for sep := at(toks, k+1); sep.kind == tokSpace && !strings.Contains(sep.s, "\n") &&
		threeDigits(at(toks, k+2)); sep = at(toks, k+1) {
		a.integer += toks[k+2].s
		k += 2
	}
	if k > j || first[0] == '0' {
		return k
	}
	for at(toks, k+1).is(tokOther, ".") && threeDigits(at(toks, k+2)) {
		k += 2
	}
	if k == j || at(toks, k+1).is(tokOther, ".") && at(toks, k+2).kind == tokNumber {
		return j
	}
	for m := j + 2; m <= k; m += 2 {
		a.integer += toks[m].s
	}
	return k
}

// opensDecimal reports whether a number after t is a fraction or a version
// part already read ("3,5", "1.2").
func opensDecimal(t token) bool { return t.is(tokOther, ",") || t.is(tokOther, ".") }

func threeDigits(t token) bool { return t.kind == tokNumber && len(t.s) == 3 }

// whole returns the amount's value when it is a plain non-negative integer
// that reads as a quantity.
func (a amount) whole() (uint64, bool) {
	if a.sign != "" || a.frac != "" || a.version != nil || len(a.integer) > 15 ||
		len(a.integer) > 1 && a.integer[0] == '0' {
		return 0, false
	}
	return atou(a.integer), true
}

// plural reports whether a noun after the amount takes an s: from two on,
// "1,5 million" and "0 degré" staying singular.
func (a amount) plural() bool {
	return len(a.integer) > 15 || atou(strings.TrimLeft(a.integer, "0")) >= 2
}

// words reads the amount: "moins deux virgule zéro cinq", "quinze point un".
func (a amount) words() string {
	var parts []string
	if a.sign != "" {
		parts = append(parts, a.sign)
	}
	parts = append(parts, integerWords(a.integer))
	if a.frac != "" {
		parts = append(parts, "virgule", fractionWords(a.frac))
	}
	for _, v := range a.version {
		parts = append(parts, "point", integerWords(v))
	}
	return strings.Join(parts, " ")
}

// fractionWords reads the decimals after "virgule": leading zeros one by
// one, then the rest as a number ("05" is "zéro cinq").
func fractionWords(frac string) string {
	rest := strings.TrimLeft(frac, "0")
	zeros := strings.Repeat("zéro ", len(frac)-len(rest))
	if rest == "" {
		return strings.TrimSpace(zeros)
	}
	return zeros + integerWords(rest)
}
