package script

import "strings"

// expandNumber reads a number and what it forms with the tokens after it:
// a time, an ordinal, an amount of money, a quantity with a unit, or, by
// default, the number alone. Every digit run goes through here, so no digit
// reaches the engine.
func expandNumber(b *strings.Builder, toks []token, i int) int {
	a := parseAmount(toks, i)
	if a.n == 0 {
		return 0
	}
	if len(a.version) == 1 && (quantityAt(toks, skipSpace(toks, i+a.n)) || a.integer == "0") {
		// "3.5 %", "1.5 km", "0.8647": a decimal written the English way.
		a.frac, a.version = a.version[0], nil
	}
	for _, rule := range []func(*strings.Builder, []token, int, amount) int{
		expandTime, expandOrdinal, expandCurrency, expandUnit,
	} {
		if n := rule(b, toks, i, a); n > 0 {
			return n
		}
	}
	w := a.words()
	n, whole := a.whole()
	if whole && n == 1 && at(toks, i+1).kind == tokSpace && monthAt(toks, i+2) {
		w = "premier" // "le 1 mai"
	}
	if whole && n == 80 && wordBefore(toks, i) == "années" {
		w = "quatre-vingt" // "les années 80", a decade, not a count
	}
	if whole && at(toks, i+a.n).kind == tokSpace && countsFeminine(at(toks, i+a.n+1)) {
		w = feminine(w) // "1 personne", "21 voix", "101 communes"
	}
	emit(b, w, at(toks, i+a.n))
	return a.n
}

// countsFeminine reports whether t, right after a number, is a feminine
// noun it counts (or a feminine adjective before one: "1 seule fois"), so
// that "un" agrees: une personne, vingt et une voix.
func countsFeminine(t token) bool {
	if t.kind != tokWord {
		return false
	}
	w := strings.ToLower(t.s)
	if feminineNouns[w] {
		return true
	}
	if s, ok := strings.CutSuffix(w, "s"); ok && feminineNouns[s] {
		return true
	}
	return false
}

// feminineNouns are the feminine nouns news copy counts most, in the
// singular (a plural in s is found from it), and the feminine adjectives
// that come between a number and its noun.
var feminineNouns = setOf(
	// people
	"personne", "femme", "fille", "mère", "sœur", "victime", "blessée", "tuée", "morte", "disparue",
	"candidate", "élue", "députée", "sénatrice", "conseillère", "policière", "infirmière", "salariée",
	"étudiante", "lycéenne", "habitante", "citoyenne", "patiente", "recrue",
	// time
	"fois", "heure", "semaine", "année", "journée", "nuit", "soirée", "matinée", "minute", "seconde", "saison",
	"édition", "étape", "manche", "session", "séance", "décennie",
	// places and bodies
	// ("rue", "route", "place", "avenue" are left out: "21 rue de la Paix" is an address.)
	"commune", "région", "ville", "ligne", "gare", "station", "usine", "ferme", "maison",
	"école", "université", "église", "mosquée", "cellule", "chambre", "pièce", "classe",
	"entreprise", "société", "famille", "association", "organisation", "agence", "banque", "marque",
	"chaîne", "circonscription", "académie", "prison", "clinique", "pharmacie", "boulangerie",
	// things counted
	"voix", "voiture", "tonne", "page", "lettre", "note", "photo", "vidéo", "image", "œuvre", "chanson",
	"exposition", "médaille", "étoile", "victoire", "défaite", "finale", "balle", "arme", "bombe",
	"roquette", "frappe", "attaque", "explosion", "dose", "espèce", "vague", "série", "tentative",
	"affaire", "enquête", "plainte", "mesure", "loi", "réforme", "proposition", "motion", "condamnation",
	"peine", "amende", "question", "idée", "solution", "option", "offre", "réunion", "rencontre",
	"conférence", "partie", "course", "épreuve", "mission", "opération", "intervention", "manifestation",
	"élection", "crise", "guerre", "maladie", "hausse", "baisse", "part", "somme", "facture", "taxe",
	"prime", "aide", "allocation", "bourse", "pension", "chance", "raison", "vie", "table", "carte",
	// adjectives before the noun
	"seule", "nouvelle", "grande", "petite", "dernière", "première", "courte", "longue", "vraie",
)

// expandArticleRef reads an article of a law with its paragraph, "l'article
// 49.3", "l'article 16-1", and the articles of the Constitution news names
// by their number alone ("le 49.3", "un 49-3", "le 47-1"), as the two
// numbers said in a row: "quarante-neuf trois", never "point" nor "à".
func expandArticleRef(b *strings.Builder, toks []token, i int) int {
	first, sep, second := at(toks, i), at(toks, i+1), at(toks, i+2)
	if first.kind != tokNumber || sep.kind != tokOther || second.kind != tokNumber ||
		!(sep.s == "." || strings.Contains("-‑–", sep.s)) || len(first.s) > 4 || len(second.s) > 2 {
		return 0
	}
	// Not part of a longer number ("1.49.3"), a decimal or a quantity
	// ("49.3 %"); a sentence's final period may follow.
	if p := at(toks, i-1); p.kind == tokNumber || (p.is(tokOther, ".") || p.is(tokOther, ",")) && at(toks, i-2).kind == tokNumber {
		return 0
	}
	if n := at(toks, i+3); (n.is(tokOther, ".") || n.is(tokOther, ",") || n.kind == tokOther && strings.Contains("-‑–/", n.s)) && at(toks, i+4).kind == tokNumber ||
		n.kind == tokNumber || n.kind == tokWord || quantityAt(toks, skipSpace(toks, i+3)) {
		return 0
	}
	if wordBefore(toks, i) != "article" && !constitutionArticles[first.s+"."+second.s] {
		return 0
	}
	emit(b, integerWords(first.s)+" "+integerWords(second.s), at(toks, i+3))
	return 3
}

// constitutionArticles are the paragraphs of the French Constitution news
// copy names without the word "article": the government's responsibility
// engaged on a bill (49.3), the budget of social security in 50 days
// (47-1), the blocked vote (44.3).
var constitutionArticles = setOf("49.3", "47.1", "44.3")

// expandDash reads a dash between two numbers as "à" ("3-1", "18-25 ans",
// "2019-2020") and drops one between a word and a number ("COVID-19",
// "J-7"), where espeak-ng would say "moins". A spaced minus sign is "moins".
func expandDash(b *strings.Builder, toks []token, i int) int {
	t := toks[i]
	if t.kind != tokOther || !strings.Contains("-–—−", t.s) {
		return 0
	}
	prev, next := at(toks, i-1), at(toks, i+1)
	switch {
	case prev.kind == tokNumber && next.kind == tokNumber && t.s != "—" && afterNumero(toks, i-1):
		b.WriteString(" tiret ") // "le décret n° 2020-1310": a number, not a range
	case prev.kind == tokNumber && next.kind == tokNumber && t.s != "—":
		b.WriteString(" à ")
	case unitAfterNumber(toks, i-1) && next.kind == tokNumber && t.s != "—":
		b.WriteString(" à ") // "15h-18h", "5 km-10 km"
	case prev.kind == tokNumber && next.kind == tokWord, prev.kind == tokWord && next.kind == tokNumber:
		b.WriteString(" ")
	case t.s == "−":
		b.WriteString(" moins ")
	default:
		return 0
	}
	return 1
}

// afterNumero reports whether the number at toks[k] follows "n°", "nº" or
// "numéro", with or without a space.
func afterNumero(toks []token, k int) bool {
	j := k - 1
	if at(toks, j).kind == tokSpace {
		j--
	}
	if t := at(toks, j); t.is(tokOther, "°") {
		n := at(toks, j-1)
		return n.is(tokWord, "n") || n.is(tokWord, "N")
	}
	w := strings.ToLower(at(toks, j).s)
	return at(toks, j).kind == tokWord && (w == "nº" || w == "numéro" || w == "no")
}

// expandSlash reads a slash between numbers as "sur": "7/10", "24h/24",
// "7j/7".
func expandSlash(b *strings.Builder, toks []token, i int) int {
	prev := at(toks, i-1)
	if !toks[i].is(tokOther, "/") || at(toks, i+1).kind != tokNumber ||
		!(prev.kind == tokNumber || prev.is(tokWord, "h") || prev.is(tokWord, "j")) {
		return 0
	}
	b.WriteString(" sur ")
	return 1
}

// unitAfterNumber reports whether toks[k] is a unit symbol written after a
// number: the "h" of "15h" or of "15 h".
func unitAfterNumber(toks []token, k int) bool {
	if _, ok := units[at(toks, k).s]; !ok || at(toks, k).kind != tokWord {
		return false
	}
	return at(toks, k-1).kind == tokNumber || at(toks, k-1).kind == tokSpace && at(toks, k-2).kind == tokNumber
}

// quantityAt reports whether what starts at toks[k] makes the number before
// it a quantity: a percent sign, a unit or a currency.
func quantityAt(toks []token, k int) bool {
	if t := at(toks, k); t.is(tokOther, "%") || t.is(tokOther, "‰") {
		return true
	}
	if _, n := matchKey(units, toks, k); n > 0 || measureWords[strings.ToLower(at(toks, k).s)] {
		return true
	}
	_, n := matchKey(currencies, toks, k)
	return n > 0
}

// measureWords are nouns of quantities and lengths written out: "0.3
// point", "1.5 million", "12 x 8 mètres".
var measureWords = setOf("point", "points", "million", "millions", "milliard", "milliards",
	"mètre", "mètres", "centimètre", "centimètres", "millimètre", "millimètres", "kilomètre", "kilomètres")
