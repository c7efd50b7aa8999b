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
	"½": " et demi ",
	"¼": " et quart ",
	"¾": " trois quarts ",
}

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
