package script

import (
	"sort"
	"strings"
	"testing"
)

// TestCorpusScore measures Split on real news text: the WMT20 French news set
// hand-segmented by the Ersatz authors, and the French-GSD treebank sentences.
func TestCorpusScore(t *testing.T) {
	t.Run("ersatz_wmt20", func(t *testing.T) {
		gold := readLines(t, "ersatz_wmt20.fr-de.fr")
		for i := range gold {
			gold[i] = strings.TrimSpace(gold[i])
		}
		all, punct, text, got, want := scoreBoundaries(t, gold, Split)
		t.Logf("all boundaries:        P=%.4f R=%.4f F1=%.4f (tp %d fp %d fn %d)", all.precision, all.recall, all.f1, all.tp, all.fp, all.fn)
		t.Logf("punctuated boundaries: P=%.4f R=%.4f F1=%.4f (tp %d fp %d fn %d)", punct.precision, punct.recall, punct.f1, punct.tp, punct.fp, punct.fn)
		if testing.Verbose() {
			logMisses(t, text, got, want)
		}
		if punct.f1 < 0.995 {
			t.Errorf("punctuated F1 = %.4f, want >= 0.995", punct.f1)
		}
	})
	t.Run("fr_gsd", func(t *testing.T) {
		var whole, total int
		for _, l := range readLines(t, "fr_gsd-ud-test.conllu") {
			s, ok := strings.CutPrefix(l, "# text = ")
			if !ok {
				continue
			}
			total++
			if got := Split(s); len(got) == 1 {
				whole++
			} else if testing.Verbose() {
				t.Logf("cut: %q", got)
			}
		}
		if total < 400 {
			t.Fatalf("found %d sentences in fr_gsd, want the 416 of the test set", total)
		}
		share := float64(whole) / float64(total)
		t.Logf("fr_gsd sentences kept whole: %d/%d = %.4f", whole, total, share)
		if share < 0.97 {
			t.Errorf("share kept whole = %.4f, want >= 0.97", share)
		}
	})
}

// logMisses shows the context of punctuated false positives and negatives.
func logMisses(t *testing.T, text string, got, want map[int]bool) {
	var at []int
	for b := range got {
		if !want[b] {
			at = append(at, b)
		}
	}
	for b := range want {
		if !got[b] && punctuated(text, b) {
			at = append(at, -b)
		}
	}
	sort.Ints(at)
	for _, b := range at {
		kind := "FP"
		if b < 0 {
			kind, b = "FN", -b
		}
		lo, hi := max(0, b-50), min(len(text), b+30)
		t.Logf("%s: %q", kind, text[lo:b]+"|"+text[b:hi])
	}
}
