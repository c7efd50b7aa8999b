package script

import "strings"

// expandTime reads "9h15", "9 h 15", "0h05", "7 h" and durations such as
// "2 h 30 min": "neuf heures quinze", "zéro heure cinq", "sept heures",
// "deux heures trente minutes". Hours and minutes agree with their feminine
// nouns ("vingt et une heures").
func expandTime(b *strings.Builder, toks []token, i int, a amount) int {
	hour, ok := a.whole()
	if !ok && a.sign == "" && a.frac == "" && a.version == nil && len(a.integer) == 2 {
		hour, ok = atou(a.integer), true // "08h05", "08:05"
	}
	if !ok || len(a.integer) > 3 {
		return 0
	}
	if w, n := colonTime(toks, i, a, hour); n > 0 {
		emit(b, w, at(toks, i+n))
		return n
	}
	j := skipSpace(toks, i+a.n)
	if !at(toks, j).is(tokWord, "h") || at(toks, j+1).is(tokOther, "'") {
		return 0
	}
	w := feminine(cardinal(hour)) + " heure"
	if hour >= 2 {
		w += "s"
	}
	end := j + 1
	k := end
	if at(toks, k).kind == tokSpace {
		k++
	}
	if m := at(toks, k); m.kind == tokNumber && atou(m.s) < 60 && (len(m.s) == 2 || k == end && len(m.s) == 1) {
		minutes := atou(m.s)
		if minutes > 0 {
			w += " " + feminine(cardinal(minutes))
		}
		end = k + 1
		if u := skipSpace(toks, end); minutes > 0 && (at(toks, u).is(tokWord, "min") || at(toks, u).is(tokWord, "mn")) {
			w += " minute"
			if minutes >= 2 {
				w += "s"
			}
			end = u + 1
		}
	}
	emit(b, w, at(toks, end))
	return end - i
}

// colonTime reads a time written with a colon, "12:30", "08:00", "à 9:45"
// (douze heures trente, huit heures, neuf heures quarante-cinq), and says
// how many tokens it took (0: none). One-digit hours need a word that
// introduces a time before them, so that "Jean 3:16" is not one.
func colonTime(toks []token, i int, a amount, hour uint64) (string, int) {
	m := at(toks, i+a.n+1)
	if a.n != 1 || hour > 24 || !at(toks, i+1).is(tokOther, ":") || m.kind != tokNumber || len(m.s) != 2 || atou(m.s) > 59 {
		return "", 0
	}
	if after := at(toks, i+3); after.kind == tokNumber || (after.is(tokOther, ":") || after.is(tokOther, ".")) && at(toks, i+4).kind == tokNumber {
		return "", 0 // "12:30:15", a lap time ("2:00.531")
	}
	if len(a.integer) != 2 && !timeWords[wordBefore(toks, i)] {
		return "", 0
	}
	w := feminine(cardinal(hour)) + " heure"
	if hour >= 2 {
		w += "s"
	}
	if minutes := atou(m.s); minutes > 0 {
		w += " " + feminine(cardinal(minutes))
	}
	return w, 3
}

// timeWords introduce a time: "à 9:30", "vers 8:15", "dès 7:00".
var timeWords = setOf("à", "a", "vers", "dès", "des", "de", "jusqu'à", "avant", "après", "depuis", "entre", "et", "midi", "matin", "soir")

// skipSpace returns j, or j+1 when toks[j] is a space within the line.
func skipSpace(toks []token, j int) int {
	if t := at(toks, j); t.kind == tokSpace && !strings.Contains(t.s, "\n") {
		return j + 1
	}
	return j
}
