package script

import (
	"strings"
	"unicode"
)

const (
	// longQuote is the length (in runes) from which a quotation counts as a
	// passage of its own, to be read sentence by sentence; a shorter one
	// ("« Non. Jamais. »") stays one sentence.
	longQuote = 80
	// maxQuote bounds a quotation: a longer "pair" is more likely a stray
	// mark matched with a far-away one (straight quotes, or a « left open
	// over several paragraphs, as French typography does) than a quotation.
	maxQuote = 600
)

// openers maps each closing quote to its opening one.
var openers = map[rune]rune{'»': '«', '”': '“', '"': '"'}

// quoteSpans pairs the quotation marks of rs. inQuote[p] is the index of the
// closing mark of the innermost quotation around p, or -1; openAt maps that
// index to the quotation's opening mark.
func quoteSpans(rs []rune) (inQuote []int, openAt map[int]int) {
	var stack []mark
	openAt = map[int]int{}
	var closes []int // in closing order: inner quotations first
	for i, r := range rs {
		if r == '«' || r == '“' || r == '"' && opensStraight(rs, i, stack) {
			stack = append(stack, mark{r, i})
			continue
		}
		want, ok := openers[r]
		if !ok {
			continue
		}
		for k := len(stack) - 1; k >= 0; k-- {
			if stack[k].r == want {
				openAt[i] = stack[k].at
				closes = append(closes, i)
				stack = stack[:k] // marks left open inside are strays
				break
			}
		}
	}
	inQuote = make([]int, len(rs)+1)
	for i := range inQuote {
		inQuote[i] = -1
	}
	// Outer quotations first, so inner ones overwrite them.
	for k := len(closes) - 1; k >= 0; k-- {
		c, o := closes[k], openAt[closes[k]]
		if c-o > maxQuote {
			continue
		}
		for p := o + 1; p < c; p++ {
			inQuote[p] = c
		}
	}
	return inQuote, openAt
}

// mark is an opening quotation mark waiting for its closing one.
type mark struct {
	r  rune
	at int
}

// opensStraight guesses whether the straight quote at i opens a quotation.
// Attached to the next word only, it opens; attached to the previous word,
// it closes; spaced on both sides (" C'est dur ") it closes the straight
// quotation still open nearby, if any, and opens one otherwise.
func opensStraight(rs []rune, i int, open []mark) bool {
	spaceBefore := i == 0 || unicode.IsSpace(rs[i-1]) || strings.ContainsRune("([«“", rs[i-1])
	spaceAfter := i+1 == len(rs) || unicode.IsSpace(rs[i+1])
	switch {
	case !spaceBefore:
		return false
	case !spaceAfter:
		return true
	}
	for k := len(open) - 1; k >= 0; k-- {
		if open[k].r == '"' {
			return i-open[k].at > maxQuote
		}
	}
	return true
}

// quoteEndsSentence reports whether a sentence may end inside the quotation
// from open to close: only in a long one that the sentence does not go on
// after ("« … », a-t-il dit" keeps the quotation whole).
func quoteEndsSentence(rs []rune, open, close int) bool {
	if close-open < longQuote {
		return false
	}
	next := skipSpaces(rs, close+1)
	return next == len(rs) || isTerminator(rs[next]) || opensSentence(rs[next])
}

// closersEnd returns the index after the closing quotes and brackets that
// follow a terminator ending at j. French puts a space before « », so spaces
// are allowed before those; a spaced straight quote counts only if the
// pairing found it closing a quotation or if it ends the text (otherwise it
// opens the next quotation).
func (sc scanner) closersEnd(j int) int {
	rs := sc.rs
	for {
		k := j
		for k < len(rs) && isHSpace(rs[k]) {
			k++
		}
		if k == len(rs) {
			return j
		}
		_, closes := sc.openAt[k]
		switch r := rs[k]; {
		case strings.ContainsRune("»”)]", r):
		case (r == '"' || r == '\'' || r == '’') && k == j:
		case r == '"' && (closes || skipSpaces(rs, k+1) == len(rs)):
		default:
			return j
		}
		j = k + 1
	}
}

func isHSpace(r rune) bool { return r != '\n' && unicode.IsSpace(r) }
