package script

import (
	"strings"
	"unicode"
)

// quoteMarks are removed: espeak-ng names some of them aloud, and the voice
// carries a quotation well enough without them.
const quoteMarks = `«»“”„‹›"`

// silent are symbols espeak-ng would read out ("astérisque", "dièse") but a
// listener should not hear: markdown and list markup.
const silent = "*#|_~•◦▪▫‣●■□►▸◆◇"

// symbolWords spells out symbols that carry meaning.
var symbolWords = map[string]string{
	"%": " pour cent ",
	"‰": " pour mille ",
	"€": " euros ",
	"&": " et ",
	"№": " numéro ",
	"§": " paragraphe ",
}

// fractionSymbols are read after a whole number ("2½" deux et demi) and
// alone ("½ des élus" la moitié des élus, "¼ d'heure" un quart d'heure).
var fractionSymbols = map[string]struct{ mixed, alone, ofWhole string }{
	"½": {" et demi ", " un demi ", " la moitié "},
	"¼": {" et quart ", " un quart ", " un quart "},
	"¾": {" trois quarts ", " trois quarts ", " trois quarts "},
	"⅓": {" et un tiers ", " un tiers ", " un tiers "},
	"⅔": {" et deux tiers ", " deux tiers ", " deux tiers "},
}

// halfArticles before "½" make it the prefix demi-: "la ½ finale".
var halfArticles = setOf("la", "le", "une", "un", "les", "des", "cette", "ce", "sa", "son")

// expandSymbol handles single symbols: it spells those that carry meaning,
// drops quotation marks, markup, emoji, pictographs, arrows and other
// decorative symbols, and the "@" of a handle ("@Elysee").
func expandSymbol(b *strings.Builder, toks []token, i int) int {
	t := toks[i]
	if t.kind != tokOther {
		return 0
	}
	if w, ok := symbolWords[t.s]; ok {
		b.WriteString(w)
		return 1
	}
	if (t.s == "·" || t.s == "⋅") && at(toks, i-1).kind == tokSpace && at(toks, i+1).kind == tokSpace {
		b.WriteString(",") // "Paris · Lyon": a separator, said as a pause
		return 1
	}
	if f, ok := fractionSymbols[t.s]; ok {
		before := wordBefore(toks, i)
		var w string
		switch {
		case at(toks, i-1).kind == tokNumber || at(toks, i-1).kind == tokSpace && at(toks, i-2).kind == tokNumber:
			w = f.mixed
		case ofAfter(toks, i+1):
			w = f.ofWhole
		case t.s == "½" && halfArticles[before]:
			w = " demi " // "la ½ finale", "une ½ journée"
		default:
			w = f.alone
		}
		if before == "un" || before == "une" {
			w = strings.Replace(w, " un ", " ", 1) // "un ¼ d'heure"
		}
		b.WriteString(w)
		return 1
	}
	if t.s == "@" && opensWord(at(toks, i-1)) && at(toks, i+1).kind == tokWord {
		return 1
	}
	if strings.Contains(quoteMarks, t.s) || strings.Contains(silent, t.s) || decorative(t.s) {
		b.WriteString(" ")
		return 1
	}
	return 0
}

// decorative reports whether a one-rune token is a symbol with nothing to
// say: emoji and other pictographs (So), modifiers such as skin tones (Sk),
// private-use glyphs (Co) and arrows.
func decorative(s string) bool {
	for _, r := range s {
		return unicode.In(r, unicode.So, unicode.Sk, unicode.Co) ||
			r >= 0x2190 && r <= 0x21ff || r >= 0x27f0 && r <= 0x27ff || r >= 0x2900 && r <= 0x297f
	}
	return false
}
