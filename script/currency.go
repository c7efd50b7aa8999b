package script

import "strings"

// currency names a currency and, for those read "trois euros cinquante",
// its hundredth.
type currency struct {
	one, many, of string
	cent, cents   string
}

// currencies are matched after a number ("12 €", "5$", "3 CHF") or right
// before one ("$5", "€12").
var currencies = map[string]currency{
	"€":   {"euro", "euros", "d'euros", "centime", "centimes"},
	"$":   {"dollar", "dollars", "de dollars", "cent", "cents"},
	"£":   {"livre", "livres", "de livres", "penny", "pence"},
	"¥":   {"yen", "yens", "de yens", "", ""},
	"CHF": {"franc suisse", "francs suisses", "de francs suisses", "centime", "centimes"},
	// ISO codes, as business and international copy writes them.
	"EUR":  {"euro", "euros", "d'euros", "centime", "centimes"},
	"USD":  {"dollar", "dollars", "de dollars", "cent", "cents"},
	"GBP":  {"livre", "livres", "de livres", "penny", "pence"},
	"CAD":  {"dollar canadien", "dollars canadiens", "de dollars canadiens", "cent", "cents"},
	"FCFA": {"franc C F A", "francs C F A", "de francs C F A", "", ""},
}

// scaleWords are the scales written out between a number and its currency:
// "5 millions $", "3 milliards d'€" is rare, "2 millions USD".
var scaleWords = map[string]string{
	"mille": "mille", "million": "million", "millions": "million", "milliard": "milliard", "milliards": "milliard",
}

// multipliers come between a number and a currency: "300 k€", "2 M€",
// "1,5 Md€".
var multipliers = map[string]string{"k": "mille", "M": "million", "Md": "milliard", "Mds": "milliard", "Mrd": "milliard"}

// expandCurrency reads an amount of money after the number.
func expandCurrency(b *strings.Builder, toks []token, i int, a amount) int {
	j := skipSpace(toks, i+a.n)
	mult := ""
	if t := at(toks, j); t.kind == tokWord {
		if m, ok := multipliers[t.s]; ok && at(toks, j+1).kind == tokOther {
			mult, j = m, j+1
		} else if m, ok := scaleWords[t.s]; ok && at(toks, j+1).kind == tokSpace {
			if _, n := matchKey(currencies, toks, j+2); n > 0 {
				mult, j = m, j+2 // "5 millions $"
			}
		}
	}
	key, n := matchKey(currencies, toks, j)
	if n == 0 {
		return 0
	}
	w, end := perWord(moneyWords(a, mult, currencies[key]), toks, j+n, true)
	emit(b, w, at(toks, end))
	return end - i
}

// expandCurrencyFirst reads "$5" and "€12", written the English way, and
// an ISO code before its amount, "CHF 12.50", "USD 3 millions" (a dot
// before two digits is then the cents).
func expandCurrencyFirst(b *strings.Builder, toks []token, i int) int {
	c, ok := currencies[toks[i].s]
	k := i + 1
	switch {
	case !ok:
		return 0
	case toks[i].kind == tokOther && at(toks, k).kind == tokNumber:
	case toks[i].kind == tokWord && opensWord(at(toks, i-1)) && at(toks, k).kind == tokSpace && at(toks, k+1).kind == tokNumber:
		k++
	default:
		return 0
	}
	a := parseAmount(toks, k)
	if len(a.version) == 1 && len(a.version[0]) == 2 && a.frac == "" {
		a.frac, a.version = a.version[0], nil // "CHF 12.50"
	}
	end := k + a.n
	mult := ""
	if t := at(toks, end+1); at(toks, end).kind == tokSpace && t.kind == tokWord && scaleWords[t.s] != "" && t.s != "mille" {
		mult, end = scaleWords[t.s], end+2 // "USD 3 millions"
	}
	emit(b, moneyWords(a, mult, c), at(toks, end))
	return end - i
}

// moneyWords reads an amount of a currency: "douze euros", "un euro",
// "trois euros cinquante", "cinquante centimes", "deux millions d'euros",
// "un virgule cinq milliard d'euros", "trois cent mille euros".
func moneyWords(a amount, mult string, c currency) string {
	name := c.one
	if a.plural() {
		name = c.many
	}
	switch mult {
	case "mille":
		if a.sign == "" && len(a.frac) <= 3 && len(a.integer) <= 12 && a.version == nil {
			v := atou(a.integer)*1000 + atou((a.frac + "000")[:3])
			if v >= 2 {
				name = c.many
			}
			return cardinal(v) + " " + name
		}
		return a.words() + " mille " + c.many
	case "million", "milliard":
		if a.plural() {
			mult += "s"
		}
		return a.words() + " " + mult + " " + c.of
	}
	if len(a.frac) == 0 || len(a.frac) > 2 || c.cent == "" || a.version != nil {
		w := a.words()
		if a.frac == "" && endsWithScale(w) {
			return w + " " + c.of // "un million d'euros"
		}
		return w + " " + name
	}
	cents := atou((a.frac + "00")[:2])
	if strings.TrimLeft(a.integer, "0") == "" && a.sign == "" {
		if cents >= 2 {
			return cardinal(cents) + " " + c.cents
		}
		return cardinal(cents) + " " + c.cent
	}
	w := a.words()
	if a.frac != "" {
		w = strings.TrimSpace(strings.Join([]string{a.sign, integerWords(a.integer)}, " "))
	}
	w += " " + name
	if cents > 0 {
		w += " " + cardinal(cents)
	}
	return w
}

func endsWithScale(w string) bool {
	for _, s := range scales {
		if strings.HasSuffix(w, s.word) || strings.HasSuffix(w, s.word+"s") {
			return true
		}
	}
	return false
}
