package script

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// spelled are acronyms a French listener hears letter by letter. They are
// written "E D F" in the spoken form: espeak-ng names single letters, but
// reads a run of capitals as a word when it can ("EDF" comes out "édf").
var spelled = setOf(
	"ADN", "AFP", "ANPE", "ARN", "ARS", "BBC", "BCE", "BD", "BFM", "BNP", "BRI",
	"BTP", "CD", "CDD", "CDI", "CFDT", "CGT", "CHU", "CIA", "CNN",
	"CNRS", "CPE", "CRS", "CSA", "CSG", "CV", "DG", "DGSE", "DGSI", "DRH", "DVD",
	"EDF", "EELV", "ENS", "EPR", "FBI", "FMI", "FN", "GDF",
	"GIGN", "GPA", "GPS", "HLM", "HT", "IA", "IGPN", "IRM", "IVG", "JO", "JT",
	"KGB", "LFI", "LGBT", "LR", "LREM", "OCDE", "OGM", "OMC", "OMS", "ONG",
	"ONU", "PC", "PCF", "PDG", "PIB", "PJ", "PMA", "PME", "PMU", "PS", "PSG",
	"PV", "QG", "RATP", "RDC", "RER", "RFI", "RH", "RN", "RSA", "RTT", "SDF",
	"SFR", "SMS", "SNCF", "SPA", "SUV", "TER", "TF", "TGV", "TNT", "TPE", "TTC",
	"TV", "TVA", "UDI", "UE", "UMP", "URSS", "USA", "VIH", "VTC",
)

// asWords are acronyms read as words. They are written with a capital and
// lower case ("Otan"), the way French newspapers print them and the way
// espeak-ng reads a word rather than letters.
var asWords = setOf(
	"ADEME", "ARCOM", "ASEAN", "CAC", "CAF", "CAPES", "EHPAD", "GIEC", "CNIL", "COVID", "DAECH",
	"ENA", "ERASMUS", "FIFA", "FRONTEX", "INRAE", "INRA", "INSEE", "INSERM",
	"MEDEF", "NASA", "OFCE", "OPEP", "OTAN", "OVNI", "RAID", "SAMU", "SIDA",
	"SMIC", "SMUR", "UEFA", "UNEDIC", "UNESCO", "UNICEF", "URSSAF", "ZAD",
)

// maxGuessed is the longest unknown acronym spelled because it cannot be
// read as a word ("ANSM", "DGCCRF"); longer runs of capitals are headline
// words or codes, left to the engine.
const maxGuessed = 8

// expandAcronym spells or reads as a word all-capital words of two letters
// or more: the lists first, then, for the rest, by their shape: one that
// French syllables can make ("UNEF", "CESE", "AFNOR") is read as a word,
// others ("OFB", "ANSM", "FNSEA") are spelled, and two letters are always
// spelled ("OM", "AS Monaco"). Roman numerals are left alone. A word in
// mixed case that ends in capitals ("OpenAI", "ChatGPT") has that end read
// the same way. The site lexicon, applied last, can still change any of it.
func expandAcronym(b *strings.Builder, toks []token, i int) int {
	t := toks[i]
	if t.kind != tokWord || utf8.RuneCountInString(t.s) < 2 {
		return 0
	}
	if strings.IndexFunc(t.s, notUpper) >= 0 {
		return expandCapitalTail(b, toks, i)
	}
	if _, roman := parseRoman(t.s); roman && !spelled[t.s] && !asWords[t.s] {
		return 0
	}
	if !asWords[t.s] && !spelled[t.s] && (allCapitals(at(toks, i-2)) && at(toks, i-1).kind == tokSpace ||
		allCapitals(at(toks, i+2)) && at(toks, i+1).kind == tokSpace) {
		return 0 // "LE GOUVERNEMENT CHUTE": a headline in capitals, not acronyms
	}
	w, ok := acronymWords(t.s)
	if !ok {
		return 0
	}
	emit(b, w, at(toks, i+1))
	return 1
}

func allCapitals(t token) bool {
	return t.kind == tokWord && utf8.RuneCountInString(t.s) >= 2 && strings.IndexFunc(t.s, notUpper) < 0
}

// acronymWords is how an all-capital word is read, or false to leave it.
func acronymWords(s string) (string, bool) {
	n := utf8.RuneCountInString(s)
	switch {
	case asWords[s]:
		return asWord(s), true
	case spelled[s]:
		return spell(s), true
	case n > maxGuessed:
		return "", false
	case n > 2 && readable(s):
		return asWord(s), true
	case n == 2 && emphasisWords[s]:
		return "", false // "être traditionaliste ET moderne": a word stressed
	}
	return spell(s), true
}

// emphasisWords are the two-letter French words that are written in capitals
// for emphasis, never acronyms.
var emphasisWords = setOf("ET", "OU", "OÙ", "LA", "LE", "UN", "EN", "DE", "DU", "IL", "ON", "NE", "SE", "CE",
	"SA", "SI", "NI", "JE", "TU", "MA", "TA", "AU", "ÇA", "NU", "MI", "DO", "RE")

// expandCapitalTail reads the capitals that end a capitalised word in mixed
// case as an acronym: "OpenAI" is "Open A I". "macOS" and "iPhone", which
// start in lower case, are brand names left to the engine.
func expandCapitalTail(b *strings.Builder, toks []token, i int) int {
	s := toks[i].s
	rs := []rune(s)
	k := len(rs)
	for k > 0 && unicode.IsUpper(rs[k-1]) {
		k--
	}
	if k == len(rs) || len(rs)-k < 2 || !unicode.IsUpper(rs[0]) || !unicode.IsLower(rs[k-1]) {
		return 0
	}
	tail, ok := acronymWords(string(rs[k:]))
	if !ok {
		return 0
	}
	emit(b, string(rs[:k])+" "+tail, at(toks, i+1))
	return 1
}

func asWord(s string) string {
	r, size := utf8.DecodeRuneInString(s)
	return string(r) + strings.ToLower(s[size:])
}

func spell(s string) string { return strings.Join(strings.Split(s, ""), " ") }

func notUpper(r rune) bool { return !unicode.IsUpper(r) }
