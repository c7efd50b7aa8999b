package script

import (
	"context"
	"os/exec"
	"strings"
	"testing"
	"time"
)

// TestEspeakPhonemes checks spoken forms through espeak-ng's phoneme output
// (`espeak-ng -q -x -v fr`), the closest thing to listening in a test. Each
// spoken form must sound like a reference written independently of Speak:
// espeak-ng's own reading of plain digits for cardinals (its number rules
// are a separate implementation of French), or letter names and words
// written by hand. Where espeak-ng alone misreads the input (raw), the test
// also shows that it does, so the case proves the normalisation is needed.
//
// Phonemes are compared without stress, pause and syllable marks and
// without schwas, which French drops at will ("quatre-vingts").
//
// Known espeak-ng quirk, left out here: it sounds the t of
// "quatre-vingt-huit" and "quatre-vingt-onze" (correct in "vingt-huit"),
// while reading "88" and "91" right.
func TestEspeakPhonemes(t *testing.T) {
	if _, err := exec.LookPath("espeak-ng"); err != nil {
		t.Fatalf("espeak-ng is required for this test: %v", err)
	}
	tests := []struct {
		in, ref string
		raw     bool // espeak-ng reads the input itself wrong
	}{
		{"21", "21", false},
		{"71", "71", false},
		{"80", "80", false},
		{"81", "81", false},
		{"201", "201", false},
		{"280", "280", false},
		{"1998", "1998", false},
		{"80 000", "80000", false},
		{"2 000 000", "2000000", false},
		{"3,05", "3,05", false},
		{"le 1er mai", "le premier mai", false},
		{"le XVIIe siècle", "le dix septième siècle", true},
		{"Louis XIV", "Louis quatorze", true},
		{"le 21e siècle", "le vingt et unième siècle", true},
		{"à 9h15", "à neuf heures quinze", true},
		{"le 14/07/2025", "le quatorze juillet deux mille vingt cinq", true},
		{"3,50 €", "trois euros cinquante", true},
		{"−5 °C", "moins cinq degrés Celsius", true},
		{"2 M€", "deux millions d'euros", true},
		{"M. Dupont", "monsieur Dupont", true},
		{"la SNCF", "la èss èn cé èf", false},
		{"le TGV", "le té jé vé", false},
		{"le PSG", "le pé èss jé", false},
		{"la CGT", "la cé jé té", false},
		// The forms of issue 12, news copy's everyday cases.
		{"M. le maire", "monsieur le maire", true},
		{"Mme la sénatrice", "madame la sénatrice", false},
		{"Mᵐᵉ Dupont", "madame Dupont", true},
		{"le prix du m²", "le prix du mètre carré", true},
		{"120 hab./km²", "cent vingt habitants par kilomètre carré", true},
		{"3 000 €/m²", "trois mille euros le mètre carré", true},
		{"25 µg/m³", "vingt cinq microgrammes par mètre cube", true},
		{"15h-18h", "quinze heures à 18 heures", true},
		{"les 17/18 juin", "les 17 et 18 juin", true},
		{"02.03.2003", "le deux mars deux mille trois", true},
		{"3 avr. 2025", "trois avril deux mille vingt cinq", true},
		{"3/4 des électeurs", "trois quarts des électeurs", true},
		{"2 1/2", "deux et demi", true},
		{"l'OFB", "l'o èf bé", false},
		{"l'ANSM", "l'a èn èss èm", true},
		{"3 x 4 m", "trois sur quatre mètres", true},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			spoken := Speak(tt.in)
			got, want := phonemes(t, spoken), phonemes(t, tt.ref)
			if got != want {
				t.Errorf("Speak(%q) = %q sounds %q, want %q (as %q)", tt.in, spoken, got, want, tt.ref)
			}
			if raw := phonemes(t, tt.in); tt.raw && raw == want {
				t.Errorf("espeak-ng reads %q right by itself (%q): the case proves nothing", tt.in, raw)
			}
		})
	}
}

// phonemeMarks are dropped before comparing: stress, pauses, syllable
// breaks, liaison marks, word boundaries and schwas.
var phonemeMarks = strings.NewReplacer("'", "", ",", "", "_", "", "!", "", ":", "", "|", "", "@", "", "2", "", "-", "", " ", "", "\n", "")

func phonemes(t *testing.T, text string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	out, err := exec.CommandContext(ctx, "espeak-ng", "-q", "-x", "-v", "fr", "--", text).Output()
	if err != nil {
		t.Fatalf("espeak-ng %q: %v", text, err)
	}
	return phonemeMarks.Replace(string(out))
}
