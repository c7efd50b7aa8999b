package script

import (
	"strings"
	"unicode"
)

// cutRanks orders the places where an over-long sentence may be cut, best
// first: after a semicolon, a colon, a comma (each followed by a space), and
// last at any space. A comma between digits ("3,5") is never followed by a
// space, so it is never a cut.
var cutRanks = []func(rs []rune, p int) bool{
	afterPunct(';'), afterPunct(':'), afterPunct(','),
	func(rs []rune, p int) bool { return breakable(rs[p]) },
}

// breakable reports whether a line may break at r: a space, but not a
// no-break space, which French puts before "?", ":", "»" and inside "1 200".
func breakable(r rune) bool {
	return unicode.IsSpace(r) && r != '\u00a0' && r != '\u202f' && r != '\u2007'
}

func afterPunct(c rune) func(rs []rune, p int) bool {
	return func(rs []rune, p int) bool {
		return p > 0 && rs[p-1] == c && breakable(rs[p])
	}
}

// Chunk cuts a sentence into pieces of at most limit runes for a speech
// backend's input limit, at the strongest pause available and never inside a
// word: a single word longer than limit is the only piece that may exceed it.
// A sentence within the limit, or a limit <= 0, gives the sentence alone.
func Chunk(sentence string, limit int) []string {
	rs := []rune(strings.TrimSpace(sentence))
	if len(rs) == 0 {
		return nil
	}
	var out []string
	for limit > 0 && len(rs) > limit {
		p := cutPoint(rs, limit)
		out = append(out, strings.TrimSpace(string(rs[:p])))
		rs = []rune(strings.TrimSpace(string(rs[p:])))
	}
	if len(rs) > 0 {
		out = append(out, string(rs))
	}
	return out
}

// cutPoint returns where to cut rs so that the first piece fits in limit.
// A punctuation cut must leave a piece of at least a third of the limit, so
// that a semicolon near the start does not beat a comma near the end.
func cutPoint(rs []rune, limit int) int {
	for rank, ok := range cutRanks {
		minLen := limit / 3
		if rank == len(cutRanks)-1 {
			minLen = 1
		}
		for p := limit; p >= minLen; p-- {
			if ok(rs, p) {
				return p
			}
		}
	}
	// The first word alone is longer than limit: it becomes a piece.
	for p := limit; p < len(rs); p++ {
		if breakable(rs[p]) {
			return p
		}
	}
	return len(rs)
}
