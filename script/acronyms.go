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

// maxGuessed is the longest unknown acronym spelled because it has no
// vowel ("PCF", "BFMTV"): such a word cannot be read as one.
const maxGuessed = 5

// expandAcronym spells or lower-cases all-capital words of two letters or
// more as the lists say; unknown ones are spelled only when they have no
// vowel, Roman numerals are left alone, and everything else is left to the
// engine.
func expandAcronym(b *strings.Builder, toks []token, i int) int {
	t := toks[i]
	if t.kind != tokWord || utf8.RuneCountInString(t.s) < 2 || strings.IndexFunc(t.s, notUpper) >= 0 {
		return 0
	}
	_, roman := parseRoman(t.s)
	switch {
	case asWords[t.s]:
		r, size := utf8.DecodeRuneInString(t.s)
		emit(b, string(r)+strings.ToLower(t.s[size:]), at(toks, i+1))
	case spelled[t.s] || !roman && utf8.RuneCountInString(t.s) <= maxGuessed && !strings.ContainsAny(t.s, "AEIOUYÀÂÄÉÈÊËÎÏÔÖÙÛÜŸ"):
		emit(b, strings.Join(strings.Split(t.s, ""), " "), at(toks, i+1))
	default:
		return 0
	}
	return 1
}

func notUpper(r rune) bool { return !unicode.IsUpper(r) }
