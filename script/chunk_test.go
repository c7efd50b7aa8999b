package script

import (
	"reflect"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestChunk(t *testing.T) {
	tests := []struct {
		name  string
		in    string
		limit int
		want  []string
	}{
		{"fits", "Il pleut.", 20, []string{"Il pleut."}},
		{"exactly the limit", "Il pleut.", 9, []string{"Il pleut."}},
		{"no limit", "Il pleut sur la ville.", 0, []string{"Il pleut sur la ville."}},
		{"empty", "  ", 10, nil},
		{"semicolon first", "Il pleut, il vente ; la mer monte, rien ne va.", 30,
			[]string{"Il pleut, il vente ;", "la mer monte, rien ne va."}},
		{"colon before comma", "Un constat : il pleut, il vente fort.", 25,
			[]string{"Un constat :", "il pleut, il vente fort."}},
		{"comma", "Il pleut beaucoup, la mer monte vite.", 25,
			[]string{"Il pleut beaucoup,", "la mer monte vite."}},
		{"late comma beats early semicolon", "Oui ; il pleut sur la ville, et la mer monte.", 30,
			[]string{"Oui ; il pleut sur la ville,", "et la mer monte."}},
		{"spaces when no punctuation", "un deux trois quatre cinq six", 10,
			[]string{"un deux", "trois", "quatre", "cinq six"}},
		{"decimal comma is not a cut", "La hausse de 3,5 points surprend", 15,
			[]string{"La hausse de", "3,5 points", "surprend"}},
		{"word longer than limit", "anticonstitutionnellement dit", 10,
			[]string{"anticonstitutionnellement", "dit"}},
		{"runes not bytes", "éééé éééé", 4, []string{"éééé", "éééé"}},
		{"no cut at a no-break space", "Quoi\u00a0? Rien.", 5, []string{"Quoi\u00a0?", "Rien."}},
		{"no cut inside 1 200", "Il y a 1\u202f200 morts", 8, []string{"Il y a", "1\u202f200", "morts"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Chunk(tt.in, tt.limit); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("Chunk(%q, %d) = %q, want %q", tt.in, tt.limit, got, tt.want)
			}
		})
	}
}

// TestChunkLimits checks the invariants on every corpus sentence: pieces fit
// the limit (unless a lone word), and together they give back the sentence.
func TestChunkLimits(t *testing.T) {
	for _, s := range readLines(t, "ersatz_wmt20.fr-de.fr") {
		for _, limit := range []int{40, 100} {
			pieces := Chunk(s, limit)
			for _, p := range pieces {
				if utf8.RuneCountInString(p) > limit && strings.ContainsFunc(p, isSpaceRune) {
					t.Errorf("Chunk(_, %d) piece of %d runes: %q", limit, utf8.RuneCountInString(p), p)
				}
			}
			if got, want := strings.Join(pieces, ""), strings.Join(strings.Fields(s), ""); strings.Join(strings.Fields(got), "") != want {
				t.Errorf("Chunk(%q, %d) lost text: %q", s, limit, pieces)
			}
		}
	}
}

func isSpaceRune(r rune) bool { return r == ' ' }
