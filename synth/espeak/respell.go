package espeak

import (
	"strings"

	"ecouter/script"
)

// respellings make espeak-ng's French voice say names that news copy is
// full of and that it reads wrong, by writing them the way French spelling
// says them: it reads "Biden" bidène, "Zelensky" zeu-lan-ski, "Brexit"
// brègzi, "Uber" ubé. Only this engine needs them (Polly's voices know
// these names), so they live here, not in the narration script that every
// engine reads, nor in a site's lexicon. Each is checked against espeak-ng's
// phonemes in espeak_test.go. Whole words, case-sensitive: "Tesla", not
// "tesla" the unit.
var respellings = map[string]string{
	"Joe":       "Djo",
	"Biden":     "Baïdeune",
	"Zelensky":  "Zélènnski",
	"Zelenski":  "Zélènnski",
	"Huawei":    "Ouawé",
	"Temu":      "Témou",
	"Tesla":     "Tèssla",
	"Nvidia":    "Ènvidia",
	"Bluesky":   "Blou-skaï",
	"Brexit":    "Brèxite",
	"Twitter":   "Twitteur",
	"YouTube":   "Youtioube",
	"Youtube":   "Youtioube",
	"Uber":      "Oubeur",
	"Airbnb":    "Ère bi ène bi",
	"Harris":    "Harisse",
	"Deezer":    "Dizeur",
	"Deliveroo": "Délivérou",
}

// respellLexicon applies respellings with the whole-word matching of a
// site's lexicon.
var respellLexicon = func() *script.Lexicon {
	var b strings.Builder
	for name, spelled := range respellings {
		b.WriteString(name + "\t" + spelled + "\n")
	}
	lex, err := script.ParseLexicon(strings.NewReader(b.String()))
	if err != nil {
		panic("espeak: respellings: " + err.Error()) // the table is ours: a test catches it
	}
	return lex
}()

// respell rewrites the whole words of text that respellings lists.
func respell(text string) string { return respellLexicon.Apply(text) }

// french reports whether voice is one of espeak-ng's French voices ("fr",
// "fr-be", "fr+f3"...), the only ones respellings are written for.
func french(voice string) bool {
	return voice == "fr" || strings.HasPrefix(voice, "fr-") || strings.HasPrefix(voice, "fr+")
}
