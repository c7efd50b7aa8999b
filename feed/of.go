package feed

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// ofName joins "de" to a publication's name as French does: "du Monde",
// "des Échos", "de L'Express", "de La Croix", "d'Ouest-France", "de
// Libération". An article that starts the name is contracted only where
// French contracts it (le, les); la and l' stay as written.
func ofName(name string) string {
	for article, of := range map[string]string{"Le ": "du ", "Les ": "des "} {
		if rest, ok := strings.CutPrefix(name, article); ok && rest != "" {
			return of + rest
		}
	}
	if r, _ := utf8.DecodeRuneInString(name); startsWithVowel(r) {
		return "d'" + name
	}
	return "de " + name
}

// startsWithVowel reports whether r is a vowel, accented or not, so that
// "de" elides before it. An h is left out: h aspiré names ("Hachette",
// "Le Havre") are as common as the others in names of publications.
func startsWithVowel(r rune) bool {
	return strings.ContainsRune("aeiouyàâäéèêëîïôöùûü", unicode.ToLower(r))
}
