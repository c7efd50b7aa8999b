package script

import (
	"strings"
	"unicode/utf8"
)

// joinable are the kinds of block whose short sentences may be joined;
// titles, headings and bylines are read as written.
var joinable = map[Kind]bool{Paragraph: true, Quote: true, ListItem: true}

const (
	// shortWords is the most words a sentence may have to be joined: "Non.",
	// "Pas du tout ?" is three and stays.
	shortWords = 2
	// maxJoined bounds a joined sentence (in runes), so joining never makes
	// a sentence the backend has to cut.
	maxJoined = 200
)

// joinShort joins each sentence of one or two words to the next one, or to
// the previous one when it ends its line ("Non. Il refuse." is one unit of
// narration), so the engine's intonation links them instead of a full stop
// and a clip boundary isolating a word. A hard line break is never crossed,
// and a sentence already long is not grown past maxJoined. The result spans
// run from the first sentence's start to the last one's end, so the text
// between them (spaces, dropped symbols) is kept.
func joinShort(text string, spans []span) []span {
	var out []span
	for _, sp := range spans {
		if n := len(out); n > 0 && canJoin(text, out[n-1], sp) &&
			(countWords(text[out[n-1].start:out[n-1].end]) <= shortWords ||
				countWords(text[sp.start:sp.end]) <= shortWords && endsLine(text, spans, sp)) {
			out[n-1].end = sp.end
			continue
		}
		out = append(out, sp)
	}
	return out
}

// canJoin reports whether two neighbouring sentences may become one.
func canJoin(text string, a, b span) bool {
	return !strings.Contains(text[a.end:b.start], "\n") && utf8.RuneCountInString(text[a.start:b.end]) <= maxJoined
}

// endsLine reports whether sp is the last sentence of its line.
func endsLine(text string, spans []span, sp span) bool {
	for _, o := range spans {
		if o.start > sp.start {
			return strings.Contains(text[sp.end:o.start], "\n")
		}
	}
	return true
}

// countWords counts the runs of letters and digits ("M. Dupont" has two).
func countWords(s string) int {
	n, in := 0, false
	for _, r := range s {
		w := isWordRune(r)
		if w && !in {
			n++
		}
		in = w
	}
	return n
}
