package script

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Split cuts French text into sentences, trimmed, in order. A "\n" is a hard
// break. Elsewhere a sentence ends after ".", "!", "?", "…" or "..." (and any
// closing quotes or brackets) when whitespace follows and then a capital, a
// digit, an opening quote or bracket, or the end of the text; abbreviations,
// initials, numbers, URLs and quotations continued in lower case do not end it.
func Split(text string) []string {
	var out []string
	for _, line := range strings.Split(text, "\n") {
		out = splitLine(out, []rune(line))
	}
	return out
}

// splitLine appends the sentences of one line to out. It is a hand-written
// scanner rather than a regexp because Go's regexp has no look-behind and its
// \b is ASCII-only, and each candidate needs context on both sides.
func splitLine(out []string, rs []rune) []string {
	sc := scanner{rs: rs}
	sc.inQuote, sc.openAt = quoteSpans(rs)
	start := 0
	for i := 0; i < len(rs); i++ {
		if !isTerminator(rs[i]) {
			continue
		}
		end, next, ok := sc.breakAt(start, i)
		if ok {
			out = appendTrimmed(out, string(rs[start:end]))
			start = next
		}
		// Skip the rest of a "?!" or "..." run: it is one candidate.
		for i+1 < len(rs) && isTerminator(rs[i+1]) {
			i++
		}
	}
	return appendTrimmed(out, string(rs[start:]))
}

func appendTrimmed(out []string, s string) []string {
	if s = strings.TrimSpace(s); s != "" {
		out = append(out, s)
	}
	return out
}

// scanner holds one line and the quotation spans found in it.
type scanner struct {
	rs      []rune
	inQuote []int       // per position, the closing quote around it, or -1
	openAt  map[int]int // closing quote -> its opening quote
}

// breakAt decides whether the terminator run starting at i, in the sentence
// that starts at start, ends that sentence. If so, end is where the sentence
// stops (after closing quotes) and next where the following one begins.
func (sc scanner) breakAt(start, i int) (end, next int, ok bool) {
	rs := sc.rs
	j := i
	for j < len(rs) && isTerminator(rs[j]) {
		j++
	}
	end = sc.closersEnd(j)
	if end < len(rs) && !unicode.IsSpace(rs[end]) {
		return 0, 0, false // "3.5", "lemonde.fr", "!»," and the like
	}
	next = skipSpaces(rs, end)
	if next == len(rs) || !opensSentence(rs[next]) {
		return 0, 0, false // end of line (handled by the caller) or lower case
	}
	run := string(rs[i:j])
	if run == "." && sc.abbreviation(start, i, next) {
		return 0, 0, false
	}
	if (run == "…" || strings.HasPrefix(run, "..")) && i > 0 && strings.ContainsRune("([", rs[i-1]) {
		return 0, 0, false // "(…)" marks a cut inside a quotation
	}
	if c := sc.inQuote[end]; c >= 0 && !quoteEndsSentence(rs, sc.openAt[c], c) {
		return 0, 0, false
	}
	return end, next, true
}

// abbreviation reports whether the "." at i closes an abbreviation, initials
// or a list number rather than the sentence; next is where the next word starts.
func (sc scanner) abbreviation(start, i, next int) bool {
	rs := sc.rs
	ts := i
	for ts > start && !unicode.IsSpace(rs[ts-1]) {
		ts--
	}
	raw := string(rs[ts:i])
	tok := strings.TrimLeft(raw, `(["«“'‘`)
	if k := strings.LastIndexAny(tok, "'’"); k >= 0 {
		_, size := utf8.DecodeRuneInString(tok[k:])
		tok = tok[k+size:] // "l'art" -> "art"
	}
	lower := strings.ToLower(tok)
	switch {
	case tok == "":
		return false
	case isDigits(tok):
		// "1. Introduction" is a list number; "il en a vu 3. Le" ends.
		return ts == start && raw == tok && len(tok) <= 3
	case len([]rune(tok)) == 1 && unitAfter(tok, sc.wordBefore(ts)):
		return false // "vers 8 h. La suite": a unit, not an initial
	case len([]rune(tok)) == 1:
		return unicode.IsLetter([]rune(tok)[0]) // initial "A. Dupont", "p. 3"
	case isInitials(tok):
		return !(tok == "J.-C" && eraPrefixes[strings.ToLower(sc.wordBefore(ts))])
	case titles[tok], nonBreaking[lower]:
		return true
	case beforeNumber[lower]:
		return unicode.IsDigit(rs[next])
	}
	return false
}

// unitAfter reports whether a one-letter tok is the symbol of a unit after
// the number word ("2 m", "3 j", "8 h"). Capitals are left out: after a
// number they are initials ("en 1995 J. Chirac").
func unitAfter(tok, word string) bool {
	r, _ := utf8.DecodeRuneInString(tok)
	last, _ := utf8.DecodeLastRuneInString(word)
	_, unit := units[tok]
	return unit && unicode.IsLower(r) && unicode.IsDigit(last)
}

// wordBefore returns the whitespace-delimited word that ends before i.
func (sc scanner) wordBefore(i int) string {
	e := i
	for e > 0 && unicode.IsSpace(sc.rs[e-1]) {
		e--
	}
	s := e
	for s > 0 && !unicode.IsSpace(sc.rs[s-1]) {
		s--
	}
	return string(sc.rs[s:e])
}

func isTerminator(r rune) bool { return r == '.' || r == '!' || r == '?' || r == '…' }

// opensSentence reports whether r may begin a new sentence.
func opensSentence(r rune) bool {
	return unicode.IsUpper(r) || unicode.IsTitle(r) || unicode.IsDigit(r) ||
		strings.ContainsRune("«“\"([", r)
}

func isDigits(s string) bool {
	for _, r := range s {
		if !unicode.IsDigit(r) {
			return false
		}
	}
	return s != ""
}

func skipSpaces(rs []rune, i int) int {
	for i < len(rs) && unicode.IsSpace(rs[i]) {
		i++
	}
	return i
}
