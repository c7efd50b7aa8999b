package script

import "strings"

// unit is the reading of a unit symbol after a number.
type unit struct {
	one, many string
	feminine  bool // "une tonne", "vingt et une minutes"
}

// units are read only right after a number ("5 km", "5km"), matched on
// whole tokens (so "km" never matches inside "kms"), and never before an
// apostrophe ("en 1990 s'est", "3 l'ont"). Keys are the tokens joined.
var units = map[string]unit{
	"km/h": {"kilomètre heure", "kilomètres heure", false},
	"m/s":  {"mètre par seconde", "mètres par seconde", false},
	"°C":   {"degré Celsius", "degrés Celsius", false},
	"°F":   {"degré Fahrenheit", "degrés Fahrenheit", false},
	"°":    {"degré", "degrés", false},
	"km²":  {"kilomètre carré", "kilomètres carrés", false},
	"m²":   {"mètre carré", "mètres carrés", false},
	"cm²":  {"centimètre carré", "centimètres carrés", false},
	"mm²":  {"millimètre carré", "millimètres carrés", false},
	"km³":  {"kilomètre cube", "kilomètres cubes", false},
	"m³":   {"mètre cube", "mètres cubes", false},
	"cm³":  {"centimètre cube", "centimètres cubes", false},
	"dm³":  {"décimètre cube", "décimètres cubes", false},
	// Powers typed as plain digits, as in CMS text without superscripts.
	"km2": {"kilomètre carré", "kilomètres carrés", false},
	"m2":  {"mètre carré", "mètres carrés", false},
	"cm2": {"centimètre carré", "centimètres carrés", false},
	"m3":  {"mètre cube", "mètres cubes", false},
	"cm3": {"centimètre cube", "centimètres cubes", false},
	// The micro sign and the Greek mu are both typed for "micro".
	"µg":   {"microgramme", "microgrammes", false},
	"μg":   {"microgramme", "microgrammes", false},
	"µm":   {"micromètre", "micromètres", false},
	"μm":   {"micromètre", "micromètres", false},
	"µs":   {"microseconde", "microsecondes", true},
	"μs":   {"microseconde", "microsecondes", true},
	"ng":   {"nanogramme", "nanogrammes", false},
	"nm":   {"nanomètre", "nanomètres", false},
	"hab":  {"habitant", "habitants", false},
	"hab.": {"habitant", "habitants", false},
	"kbit": {"kilobit", "kilobits", false},
	"Mbit": {"mégabit", "mégabits", false},
	"Gbit": {"gigabit", "gigabits", false},
	"Mb":   {"mégabit", "mégabits", false},
	"Gb":   {"gigabit", "gigabits", false},
	"kV":   {"kilovolt", "kilovolts", false},
	"V":    {"volt", "volts", false},
	"kHz":  {"kilohertz", "kilohertz", false},
	"MHz":  {"mégahertz", "mégahertz", false},
	"GHz":  {"gigahertz", "gigahertz", false},
	"Hz":   {"hertz", "hertz", false},
	"km":   {"kilomètre", "kilomètres", false},
	"m":    {"mètre", "mètres", false},
	"cm":   {"centimètre", "centimètres", false},
	"mm":   {"millimètre", "millimètres", false},
	"kg":   {"kilogramme", "kilogrammes", false},
	"g":    {"gramme", "grammes", false},
	"mg":   {"milligramme", "milligrammes", false},
	"t":    {"tonne", "tonnes", true},
	"L":    {"litre", "litres", false},
	"l":    {"litre", "litres", false},
	"cl":   {"centilitre", "centilitres", false},
	"ml":   {"millilitre", "millilitres", false},
	"ko":   {"kilooctet", "kilooctets", false},
	"Mo":   {"mégaoctet", "mégaoctets", false},
	"Go":   {"gigaoctet", "gigaoctets", false},
	"To":   {"téraoctet", "téraoctets", false},
	"W":    {"watt", "watts", false},
	"kW":   {"kilowatt", "kilowatts", false},
	"MW":   {"mégawatt", "mégawatts", false},
	"GW":   {"gigawatt", "gigawatts", false},
	"kWh":  {"kilowattheure", "kilowattheures", false},
	"MWh":  {"mégawattheure", "mégawattheures", false},
	"GWh":  {"gigawattheure", "gigawattheures", false},
	"TWh":  {"térawattheure", "térawattheures", false},
	"ha":   {"hectare", "hectares", false},
	"h":    {"heure", "heures", true},
	"min":  {"minute", "minutes", true},
	"mn":   {"minute", "minutes", true},
	"s":    {"seconde", "secondes", true},
	"ms":   {"milliseconde", "millisecondes", true},
	"j":    {"jour", "jours", false},
	"dB":   {"décibel", "décibels", false},
	"pt":   {"point", "points", false},
	"pts":  {"points", "points", false},
	"Md":   {"milliard", "milliards", false},
	"Mds":  {"milliards", "milliards", false},
	"Mrd":  {"milliard", "milliards", false},
	"Mrds": {"milliards", "milliards", false},
}

// clockUnits are written with two digits in a duration: "01 min", "09 s".
var clockUnits = setOf("h", "min", "mn", "s")

// maxUnitTokens is the most tokens a unit key spans ("km" "/" "h").
const maxUnitTokens = 3

// matchKey finds the longest key of table made of the tokens from j on,
// with no space inside, not followed by an apostrophe, more letters or more
// digits. A digit counts only as a power written plainly after letters
// ("m2"). It returns the key and the number of tokens it spans.
func matchKey[V any](table map[string]V, toks []token, j int) (string, int) {
	key, n := "", 0
	var sb strings.Builder
	for k := j; k < j+maxUnitTokens; k++ {
		t := at(toks, k)
		power := t.kind == tokNumber && (t.s == "2" || t.s == "3") && at(toks, k-1).kind == tokWord && k > j
		if t.kind != tokWord && t.kind != tokOther && !power {
			break
		}
		sb.WriteString(t.s)
		next := at(toks, k+1)
		if _, ok := table[sb.String()]; ok && next.kind != tokWord && next.kind != tokNumber && !next.is(tokOther, "'") {
			key, n = sb.String(), k-j+1
		}
		if power {
			break
		}
	}
	return key, n
}

// expandUnit reads a number followed by a unit: "130 km/h", "−5 °C",
// "1,5 km" (singular under two), "21 t" (feminine), and a following "/mois"
// as "par mois".
func expandUnit(b *strings.Builder, toks []token, i int, a amount) int {
	j := skipSpace(toks, i+a.n)
	key, n := matchKey(units, toks, j)
	if n == 0 {
		return 0
	}
	u := units[key]
	if clockUnits[key] && len(a.integer) == 2 && a.integer[0] == '0' && a.sign == "" && a.frac == "" && a.version == nil {
		a.integer = a.integer[1:] // "2 h 01 min 09 s": minutes and seconds as a clock writes them
	}
	w := a.words()
	if _, ok := a.whole(); ok && u.feminine {
		w = feminine(w)
	}
	if a.plural() {
		w += " " + u.many
	} else {
		w += " " + u.one
	}
	end := j + n
	if strings.HasSuffix(key, ".") && blankFrom(toks, end) {
		w += "." // "120 hab." ending the sentence keeps its period
	}
	w, end = perWord(w, toks, end, false)
	emit(b, w, at(toks, end))
	return end - i
}

// perWord reads "/mois" or "/kg" after a unit or a currency as "par mois",
// "par kilogramme", "hab./km²" as "habitants par kilomètre carré". A price
// by a measure is said with an article: "3 000 €/m²" is "trois mille euros
// le mètre carré", "2 €/l" "deux euros le litre"; by time, still "par".
func perWord(w string, toks []token, j int, money bool) (string, int) {
	if !at(toks, j).is(tokOther, "/") || at(toks, j+1).kind != tokWord {
		return w, j
	}
	if key, n := matchKey(units, toks, j+1); n > 0 {
		u := units[key]
		if money && !timeUnits[key] {
			return w + " " + definite(u) + u.one, j + 1 + n
		}
		return w + " par " + u.one, j + 1 + n
	}
	return w + " par " + toks[j+1].s, j + 2
}

// timeUnits are the units a price is given "par": "10 €/h", "par heure".
var timeUnits = setOf("h", "min", "mn", "s", "ms", "j")

// definite returns the definite article for a unit's name, with its
// trailing space or apostrophe: "le mètre", "la tonne", "l'hectare".
func definite(u unit) string {
	switch {
	case strings.IndexAny(u.one[:1], "aeiouéh") == 0:
		return "l'"
	case u.feminine:
		return "la "
	}
	return "le "
}

// aloneUnits may be read without a number before them, after a noun or a
// preposition ("le prix du m²", "en kWh", "par m³"): symbols that cannot be
// a letter or a word of the text.
var aloneUnits = setOf("km²", "m²", "cm²", "mm²", "km³", "m³", "cm³", "km2", "m2", "cm2", "m3", "cm3",
	"kWh", "MWh", "GWh", "TWh", "µg", "μg")

// pluralBefore are the words after which a unit alone is plural: "en kWh",
// "des m²".
var pluralBefore = setOf("en", "des", "les", "de", "ces", "mille", "millions", "milliers")

// expandUnitAlone reads a unit that follows a word, not a number: "le prix
// du m²" is "le prix du mètre carré", "120 habitants/km²" "cent vingt
// habitants par kilomètre carré".
func expandUnitAlone(b *strings.Builder, toks []token, i int) int {
	prev := at(toks, i-1)
	if toks[i].is(tokOther, "/") && prev.kind == tokWord {
		key, n := matchKey(units, toks, i+1)
		if n == 0 || !aloneUnits[key] && len([]rune(key)) < 2 {
			return 0
		}
		emit(b, "par "+units[key].one, at(toks, i+1+n))
		return n + 1
	}
	if prev.kind != tokSpace || at(toks, i-2).kind != tokWord && !at(toks, i-2).is(tokOther, "'") {
		return 0
	}
	key, n := matchKey(units, toks, i)
	if n == 0 || !aloneUnits[key] {
		return 0
	}
	u := units[key]
	w := u.one
	if pluralBefore[strings.ToLower(at(toks, i-2).s)] {
		w = u.many
	}
	emit(b, w, at(toks, i+n))
	return n
}

// expandTimes reads "x" or "×" between numbers: "fois" ("2 x 2 voies",
// "3 × 4"), or "sur" between dimensions, when a unit follows the second
// number ("3 x 4 m", "10 x 20 cm").
func expandTimes(b *strings.Builder, toks []token, i int) int {
	t := toks[i]
	if !t.is(tokWord, "x") && !t.is(tokOther, "×") {
		return 0
	}
	if comparesAfter(toks, i) {
		b.WriteString(" fois")
		return 1
	}
	before, after := i-1, i+1
	if at(toks, before).kind == tokSpace {
		before--
	}
	if at(toks, after).kind == tokSpace {
		after++
	}
	if at(toks, before).kind != tokNumber || at(toks, after).kind != tokNumber ||
		(at(toks, i-1).kind == tokSpace) != (at(toks, i+1).kind == tokSpace) {
		return 0
	}
	word := " fois "
	if u := at(toks, skipSpace(toks, after+1)); at(toks, before).s == "4" && relayLegs[at(toks, after).s] &&
		at(toks, after+1).kind != tokNumber && (u.is(tokWord, "m") || u.kind != tokWord) {
		// A relay, "4 x 100 m" quatre fois cent mètres: a unit follows,
		// but no rectangle is four by a hundred.
		b.WriteString(word)
		return after - i
	}
	for k := after; ; {
		a := parseAmount(toks, k)
		if a.n == 0 {
			break
		}
		next := skipSpace(toks, k+a.n)
		if _, n := matchKey(units, toks, next); n > 0 || measureWords[strings.ToLower(at(toks, next).s)] {
			word = " sur "
			break
		}
		// "10 x 20 x 30 cm": look past the next factor for the unit.
		x := at(toks, next)
		if !x.is(tokWord, "x") && !x.is(tokOther, "×") {
			break
		}
		k = skipSpace(toks, next+1)
	}
	b.WriteString(word)
	return after - i
}

// relayLegs are the legs of athletics and swimming relays, in metres.
var relayLegs = setOf("50", "100", "200", "400")

// comparatives follow a multiplier: "3 x plus cher", "2x moins".
var comparatives = setOf("plus", "moins", "mieux", "davantage", "supérieur", "supérieure", "inférieur", "inférieure")

// comparesAfter reports whether the "x" at i multiplies a number before a
// comparative: "3 x plus", "10x moins".
func comparesAfter(toks []token, i int) bool {
	before := i - 1
	if at(toks, before).kind == tokSpace {
		before--
	}
	return at(toks, before).kind == tokNumber && at(toks, i+1).kind == tokSpace &&
		comparatives[strings.ToLower(at(toks, i+2).s)]
}
