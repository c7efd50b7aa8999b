package espeak

import (
	"strings"
	"unicode"
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

// respell rewrites the whole words of text that respellings lists.
func respell(text string) string {
	var b strings.Builder
	start := -1 // where the word being read starts
	flush := func(end int) {
		if start < 0 {
			return
		}
		w := text[start:end]
		if r, ok := respellings[w]; ok {
			w = r
		}
		b.WriteString(w)
		start = -1
	}
	for i, r := range text {
		if unicode.IsLetter(r) || unicode.IsMark(r) {
			if start < 0 {
				start = i
			}
			continue
		}
		flush(i)
		b.WriteRune(r)
	}
	flush(len(text))
	return b.String()
}

// french reports whether voice is one of espeak-ng's French voices ("fr",
// "fr-be", "fr+f3"...), the only ones respellings are written for.
func french(voice string) bool {
	return voice == "fr" || strings.HasPrefix(voice, "fr-") || strings.HasPrefix(voice, "fr+")
}
