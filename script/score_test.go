package script

import (
	"strings"
	"testing"
)

// scores are boundary precision, recall and F1.
type scores struct {
	tp, fp, fn            int
	precision, recall, f1 float64
}

func newScores(tp, fp, fn int) scores {
	s := scores{tp: tp, fp: fp, fn: fn}
	if tp+fp > 0 {
		s.precision = float64(tp) / float64(tp+fp)
	}
	if tp+fn > 0 {
		s.recall = float64(tp) / float64(tp+fn)
	}
	if s.precision+s.recall > 0 {
		s.f1 = 2 * s.precision * s.recall / (s.precision + s.recall)
	}
	return s
}

// boundaries returns the byte offsets in text where each sentence after the
// first starts, sentences being found in order.
func boundaries(tb testing.TB, text string, sentences []string) map[int]bool {
	tb.Helper()
	at := map[int]bool{}
	pos := 0
	for k, s := range sentences {
		i := strings.Index(text[pos:], s)
		if i < 0 {
			tb.Fatalf("sentence %d not found in order in the text: %q", k, s)
		}
		if k > 0 {
			at[pos+i] = true
		}
		pos += i + len(s)
	}
	return at
}

// punctuated reports whether the boundary at b follows ".", "!", "?" or "…",
// possibly with closing quotes or brackets in between.
func punctuated(text string, b int) bool {
	before := strings.TrimRight(text[:b], " \u00a0\u202f»”\"')]")
	return strings.HasSuffix(before, ".") || strings.HasSuffix(before, "!") ||
		strings.HasSuffix(before, "?") || strings.HasSuffix(before, "…")
}

// scoreBoundaries compares a splitter's boundaries with the gold sentences,
// all boundaries and those after punctuation only.
func scoreBoundaries(tb testing.TB, gold []string, split func(string) []string) (all, punct scores, text string, got, want map[int]bool) {
	tb.Helper()
	text = strings.Join(gold, " ")
	want = boundaries(tb, text, gold)
	got = boundaries(tb, text, split(text))
	var a, p [3]int // tp, fp, fn
	count := func(b int, k int) {
		a[k]++
		if punctuated(text, b) {
			p[k]++
		}
	}
	for b := range got {
		if want[b] {
			count(b, 0)
		} else {
			count(b, 1)
		}
	}
	for b := range want {
		if !got[b] {
			count(b, 2)
		}
	}
	return newScores(a[0], a[1], a[2]), newScores(p[0], p[1], p[2]), text, got, want
}

func TestScoreBoundaries(t *testing.T) {
	gold := []string{"Il pleut.", "M. Dupont sort.", "Titre", "Fin !"}
	perfect := func(string) []string { return gold }
	all, punct, _, _, _ := scoreBoundaries(t, gold, perfect)
	if all.f1 != 1 || punct.f1 != 1 {
		t.Errorf("perfect splitter: all %+v punct %+v, want F1 1", all, punct)
	}
	naive := func(s string) []string { return strings.SplitAfter(s, ". ") }
	all, punct, _, _, _ = scoreBoundaries(t, gold, naive)
	// naive splits after "M. " (a false positive) and misses "Fin !", the
	// only boundary not after punctuation.
	if all.tp != 2 || all.fp != 1 || all.fn != 1 {
		t.Errorf("naive splitter all = %+v, want tp 2 fp 1 fn 1", all)
	}
	if punct.tp != 2 || punct.fp != 1 || punct.fn != 0 {
		t.Errorf("naive splitter punct = %+v, want tp 2 fp 1 fn 0", punct)
	}
}
