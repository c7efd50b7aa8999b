package script

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// The lists below were curated from Moses' French non-breaking prefixes, pySBD's
// French abbreviations and CLDR's French sentence-break suppressions (see
// /work/shared/corpora), plus the titles none of them has (Mme, Dr, Pr, Me,
// Mgr...). They are embedded because the package does no I/O.
//
// Entries that are also ordinary French words able to end a sentence ("art",
// "vol", "mer", "jeu", "sept", "Var") are only trusted before a number, and
// entries that usually end a phrase ("etc.", "et al.", "Inc.", "Jr.", "hab.")
// are left out on purpose: after them a capital starts a new sentence.

// titles precede a name, so a capital after them never starts a sentence.
// Matched case-sensitively: "ME." or "me." are not "Me.".
var titles = setOf(
	"M", "MM", "Mme", "Mmes", "Mlle", "Mlles", "Dr", "Drs", "Pr", "Prof",
	"Me", "Mgr", "Mgrs", "St", "Ste", "Sts", "Stes", "Sr",
)

// nonBreaking abbreviations never end a sentence; keys are lower-case.
var nonBreaking = setOf(
	"adr", "anc", "ann", "anon", "ap", "append", "apr", "aux", "av",
	"auj", "bd", "boul", "broch", "bull", "ca", "cam", "categ", "cf", "ch.-l",
	"collab", "coll", "comm", "config", "contr", "coord", "dest", "desc",
	"dict", "dir", "éd", "édit", "éds", "encycl", "env", "équiv", "éval",
	"ex", "exempl", "fasc", "fém", "gouv", "graph", "hôp", "ibid", "id",
	"ill", "illustr", "imm", "imprim", "indus", "inf", "lib", "loc.cit",
	"mart", "masc", "ms", "n/réf", "niv", "p.ex", "pl", "publ", "réf", "resp",
	"sing", "sq", "sqq", "suiv", "sup", "suppl", "symb", "synth", "syst",
	"trad", "trav", "vb", "voit", "vs",
)

// beforeNumber abbreviations do not end a sentence when a number follows
// ("art. 3", "vol. 2", "le 3 sept. 2019"); keys are lower-case. Many are
// also words ("la mer. Il", "le vol. Les") so a capital after them does break.
var beforeNumber = setOf(
	"art", "avr", "chap", "déc", "dim", "fig", "févr", "janv", "jeu", "juil",
	"lun", "mar", "mer", "no", "nos", "nov", "oct", "op", "pp", "sam", "sect",
	"sept", "tél", "ven", "vol",
)

// eraPrefixes make a following "J.-C." a date that may end the sentence;
// elsewhere "J.-C." is a pair of initials (J.-C. Decaux).
var eraPrefixes = setOf("av.", "apr.", "ap.", "avant", "après")

func setOf(words ...string) map[string]bool {
	m := make(map[string]bool, len(words))
	for _, w := range words {
		m[w] = true
	}
	return m
}

// isInitials reports whether tok (without its final dot) is a run of
// single-letter initials: "J.-L", "S.A", "O.N.U", "c.-à-d".
func isInitials(tok string) bool {
	segs := strings.FieldsFunc(tok, func(r rune) bool { return r == '.' || r == '-' })
	if len(segs) < 2 || !strings.ContainsRune(tok, '.') {
		return false
	}
	for _, s := range segs {
		r, size := utf8.DecodeRuneInString(s)
		if size != len(s) || !unicode.IsLetter(r) {
			return false
		}
	}
	return true
}
