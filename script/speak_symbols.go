package script

import "strings"

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
}

// expandSymbol handles single symbols, and "M€" / "Md€" after a number.
func expandSymbol(b *strings.Builder, toks []token, i int) int {
	t := toks[i]
	if t.kind == tokWord && at(toks, i+1).is(tokOther, "€") && afterNumber(toks, i) {
		switch t.s {
		case "M":
			b.WriteString(" millions d'euros ")
			return 2
		case "Md", "Mds":
			b.WriteString(" milliards d'euros ")
			return 2
		}
	}
	if t.kind != tokOther {
		return 0
	}
	if w, ok := symbolWords[t.s]; ok {
		b.WriteString(w)
		return 1
	}
	if strings.Contains(quoteMarks, t.s) || strings.Contains(silent, t.s) {
		b.WriteString(" ")
		return 1
	}
	return 0
}

// afterNumber reports whether toks[i] follows a number, maybe with a space.
func afterNumber(toks []token, i int) bool {
	if at(toks, i-1).kind == tokSpace {
		i--
	}
	return at(toks, i-1).kind == tokNumber
}
