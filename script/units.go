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
	"m³":   {"mètre cube", "mètres cubes", false},
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
	"Md":   {"milliard", "milliards", false},
	"Mds":  {"milliards", "milliards", false},
	"Mrd":  {"milliard", "milliards", false},
	"Mrds": {"milliards", "milliards", false},
}

// maxUnitTokens is the most tokens a unit key spans ("km" "/" "h").
const maxUnitTokens = 3

// matchKey finds the longest key of table made of the tokens from j on,
// with no space inside, not followed by an apostrophe or more letters. It
// returns the key and the number of tokens it spans.
func matchKey[V any](table map[string]V, toks []token, j int) (string, int) {
	key, n := "", 0
	var sb strings.Builder
	for k := j; k < j+maxUnitTokens; k++ {
		t := at(toks, k)
		if t.kind != tokWord && t.kind != tokOther {
			break
		}
		sb.WriteString(t.s)
		next := at(toks, k+1)
		if _, ok := table[sb.String()]; ok && next.kind != tokWord && !next.is(tokOther, "'") {
			key, n = sb.String(), k-j+1
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
	w, end = perWord(w, toks, end)
	emit(b, w, at(toks, end))
	return end - i
}

// perWord reads "/mois" or "/kg" after a unit or a currency as "par mois",
// "par kilogramme".
func perWord(w string, toks []token, j int) (string, int) {
	if !at(toks, j).is(tokOther, "/") || at(toks, j+1).kind != tokWord {
		return w, j
	}
	if key, n := matchKey(units, toks, j+1); n > 0 {
		return w + " par " + units[key].one, j + 1 + n
	}
	return w + " par " + toks[j+1].s, j + 2
}
