package script

import "strings"

// expandTime reads "9h15", "9 h 15", "0h05", "7 h" and durations such as
// "2 h 30 min": "neuf heures quinze", "zéro heure cinq", "sept heures",
// "deux heures trente minutes". Hours and minutes agree with their feminine
// nouns ("vingt et une heures").
func expandTime(b *strings.Builder, toks []token, i int, a amount) int {
	hour, ok := a.whole()
	if !ok || len(a.integer) > 3 {
		return 0
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

// skipSpace returns j, or j+1 when toks[j] is a space within the line.
func skipSpace(toks []token, j int) int {
	if t := at(toks, j); t.kind == tokSpace && !strings.Contains(t.s, "\n") {
		return j + 1
	}
	return j
}
