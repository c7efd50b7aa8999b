package script

import "strings"

// French cardinals, written as the traditional spelling has them ("vingt et
// un", "deux cents", "quatre-vingt mille"): espeak-ng reads every spelling
// the same, and the transcript-like preview reads better this way.

var smallNumbers = [...]string{
	"zéro", "un", "deux", "trois", "quatre", "cinq", "six", "sept", "huit",
	"neuf", "dix", "onze", "douze", "treize", "quatorze", "quinze", "seize",
}

var tensWords = [...]string{2: "vingt", 3: "trente", 4: "quarante", 5: "cinquante", 6: "soixante"}

// below100 reads 0 < n < 100. final says nothing of the number follows, so
// that "quatre-vingts" keeps its s.
func below100(n int, final bool) string {
	switch {
	case n <= 16:
		return smallNumbers[n]
	case n < 20:
		return "dix-" + smallNumbers[n-10]
	case n < 70:
		t, u := tensWords[n/10], n%10
		switch u {
		case 0:
			return t
		case 1:
			return t + " et un"
		}
		return t + "-" + smallNumbers[u]
	case n == 71:
		return "soixante et onze"
	case n < 80:
		return "soixante-" + below100(n-60, final)
	case n == 80 && final:
		return "quatre-vingts"
	case n == 80:
		return "quatre-vingt"
	}
	return "quatre-vingt-" + below100(n-80, final)
}

// below1000 reads 0 < n < 1000; "cent" takes an s only when final.
func below1000(n int, final bool) string {
	h, r := n/100, n%100
	var parts []string
	switch {
	case h == 1:
		parts = append(parts, "cent")
	case h > 1 && r == 0 && final:
		parts = append(parts, smallNumbers[h]+" cents")
	case h > 1:
		parts = append(parts, smallNumbers[h]+" cent")
	}
	if r > 0 {
		parts = append(parts, below100(r, final))
	}
	return strings.Join(parts, " ")
}

// scales are the nouns of large numbers; they agree in number ("deux
// millions") and, being nouns, let "cents" and "vingts" keep their s.
var scales = []struct {
	value uint64
	word  string
}{
	{1_000_000_000_000, "billion"}, {1_000_000_000, "milliard"}, {1_000_000, "million"},
}

// cardinal reads n in words: cardinal(1998) = "mille neuf cent
// quatre-vingt-dix-huit". n has at most 15 digits: longer digit runs
// (account numbers, identifiers) are read digit by digit by integerWords.
func cardinal(n uint64) string {
	if n == 0 {
		return "zéro"
	}
	var parts []string
	for _, s := range scales {
		if g := n / s.value; g > 0 {
			w := below1000(int(g), true) + " " + s.word
			if g > 1 {
				w += "s"
			}
			parts = append(parts, w)
			n %= s.value
		}
	}
	switch g := n / 1000; {
	case g == 1:
		parts = append(parts, "mille")
	case g > 1:
		parts = append(parts, below1000(int(g), false)+" mille") // "mille" is invariable
	}
	if r := n % 1000; r > 0 {
		parts = append(parts, below1000(int(r), true))
	}
	return strings.Join(parts, " ")
}

// feminine makes a cardinal agree with a feminine noun: "vingt et une
// heures", "une tonne".
func feminine(words string) string {
	if words == "un" {
		return "une"
	}
	if s, ok := strings.CutSuffix(words, " et un"); ok {
		return s + " et une"
	}
	if s, ok := strings.CutSuffix(words, "-un"); ok {
		return s + "-une"
	}
	if s, ok := strings.CutSuffix(words, " un"); ok && !strings.HasSuffix(s, "virgule") {
		return s + " une" // "cent une"
	}
	return words
}

// digitsWords reads a digit string one digit at a time: "007" is "zéro zéro
// sept".
func digitsWords(digits string) string {
	words := make([]string, 0, len(digits))
	for _, d := range digits {
		words = append(words, smallNumbers[d-'0'])
	}
	return strings.Join(words, " ")
}

// integerWords reads an integer written in ASCII digits: as a number, or
// digit by digit when it has a leading zero ("06", a phone number's group) or
// is too long to be a quantity.
func integerWords(digits string) string {
	digits = strings.TrimLeft(digits, "+")
	if len(digits) > 1 && digits[0] == '0' || len(digits) > 15 {
		return digitsWords(digits)
	}
	return cardinal(atou(digits))
}

// atou parses ASCII digits; the callers have checked they are digits and
// at most 15 of them.
func atou(digits string) uint64 {
	var n uint64
	for _, d := range digits {
		n = n*10 + uint64(d-'0')
	}
	return n
}
