package script

import "strings"

// readable reports whether an unknown acronym can be said as a French word:
// it must be made of syllables, each a vowel group with the consonants that
// French lets stand around one. Three letters pass only as consonant-vowel-
// consonant or vowel-consonant-vowel ("ZAD", "ENA"); other shapes of three
// are spelled, as French speakers do ("BEA", "OFB", "UFC"); three vowels are
// a word ("OUI"). s is in capitals.
func readable(s string) bool {
	groups := shape(s)
	if len([]rune(s)) == 3 {
		return groups == "CVC" || groups == "VCV" || groups == "V" // "ZAD", "ENA", "OUI"
	}
	clusters := strings.FieldsFunc(s, isCapitalVowel)
	vowels := strings.FieldsFunc(s, func(r rune) bool { return !isCapitalVowel(r) })
	if len(vowels) == 0 {
		return false
	}
	for _, v := range vowels {
		if len([]rune(v)) > 3 {
			return false
		}
	}
	startsWithVowel, endsWithVowel := groups[0] == 'V', groups[len(groups)-1] == 'V'
	for k, c := range clusters {
		first := k == 0 && !startsWithVowel
		last := k == len(clusters)-1 && !endsWithVowel
		switch {
		case first && !onset(c):
			return false
		case last && !first && !coda(c):
			return false
		case !first && !last && !medial(c):
			return false
		}
	}
	return true
}

// shape collapses a word to its runs of consonants (C) and vowels (V):
// "UNEF" is "VCVC", "CNIL" "CVC".
func shape(s string) string {
	var b strings.Builder
	last := rune(0)
	for _, r := range s {
		k := 'C'
		if isCapitalVowel(r) {
			k = 'V'
		}
		if k != last {
			b.WriteRune(k)
			last = k
		}
	}
	return b.String()
}

func isCapitalVowel(r rune) bool {
	return strings.ContainsRune("AEIOUYÀÂÄÉÈÊËÎÏÔÖÙÛÜŸ", r)
}

// onsets are the consonant pairs a French syllable may start with ("CROUS",
// "CNIL", "STIF").
var onsets = setOf("BL", "BR", "CH", "CL", "CR", "CN", "DR", "FL", "FR", "GL", "GN", "GR", "PH",
	"PL", "PR", "TR", "TH", "VR", "SC", "SK", "SL", "SM", "SN", "SP", "ST")

// codas are the consonant pairs a French word may end with ("INSERM").
var codas = setOf("CK", "CT", "FT", "LC", "LF", "LM", "LP", "LT", "NC", "ND", "NG", "NK", "NS", "NT",
	"PS", "PT", "RB", "RC", "RD", "RF", "RG", "RK", "RM", "RN", "RP", "RS", "RT", "SC", "SK", "SP", "ST",
	"FF", "LL", "SS", "TT") // "GATT"

func onset(c string) bool { return len(c) == 1 || onsets[c] }

func coda(c string) bool { return len(c) == 1 || codas[c] }

// medial reports whether a cluster can stand between two vowel groups: it
// ends one syllable and starts the next ("AFNOR" is AF-NOR, "ARCEP" AR-CEP).
func medial(c string) bool {
	switch len(c) {
	case 1, 2:
		return true
	case 3:
		return onsets[c[1:]] || codas[c[:2]]
	}
	return false
}
