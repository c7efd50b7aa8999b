package article

import (
	"strings"
	"unicode"
)

// hardBreak marks a <br> while a block is collected. U+2028 LINE SEPARATOR
// means exactly that, so one met in the source text is a break too; a plain
// "\n" could not be used, as HTML treats it as ordinary whitespace.
const hardBreak = "\u2028"

// cleanText turns a block's raw text into what is read: ASCII whitespace
// runs collapsed to one space (as a browser shows them), invisible
// characters removed, edges trimmed, and hard breaks as "\n" with no empty
// lines. No-break spaces (U+00A0, U+202F) and typographic punctuation are
// kept as they are: number reading and narration depend on them.
func cleanText(s string) string {
	var lines []string
	for line := range strings.SplitSeq(s, hardBreak) {
		if line = collapseSpace(line); line != "" {
			lines = append(lines, line)
		}
	}
	return strings.Join(lines, "\n")
}

// collapseSpace collapses and trims one line. A collapsible run next to a
// no-break space is dropped rather than doubling it ("1\u00a0 200" reads
// "1\u00a0200").
func collapseSpace(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	pending := false // a whitespace run was seen since the last rune written
	var last rune
	for _, r := range s {
		switch {
		case isHTMLSpace(r):
			pending = true
			continue
		case invisible(r):
			continue
		}
		if pending && b.Len() > 0 && !isNoBreakSpace(r) && !isNoBreakSpace(last) {
			b.WriteByte(' ')
		}
		pending = false
		b.WriteRune(r)
		last = r
	}
	// Edges: no-break spaces and other Unicode spaces carry no meaning there.
	return strings.TrimFunc(b.String(), unicode.IsSpace)
}

// isHTMLSpace reports the whitespace HTML collapses: ASCII only.
func isHTMLSpace(r rune) bool {
	switch r {
	case ' ', '\t', '\n', '\f', '\r', '\v':
		return true
	}
	return false
}

func isNoBreakSpace(r rune) bool { return r == '\u00a0' || r == '\u202f' }

// invisible reports characters with no sound and no visible width that
// would only confuse a speech engine: soft hyphens, zero-width spaces and
// byte order marks pasted from word processors.
func invisible(r rune) bool {
	return r == '\u00ad' || r == '\u200b' || r == '\ufeff'
}

// TextBlocks splits a plain-text article into paragraphs: a blank line
// starts a new paragraph, a single newline is kept as a hard break ("\n").
func TextBlocks(text string) []Block {
	text = strings.ReplaceAll(text, "\r\n", "\n")
	var blocks []Block
	var lines []string
	flush := func() {
		if t := cleanText(strings.Join(lines, hardBreak)); t != "" {
			blocks = append(blocks, Block{Kind: KindParagraph, Text: t})
		}
		lines = lines[:0]
	}
	for line := range strings.SplitSeq(text, "\n") {
		if strings.TrimFunc(line, unicode.IsSpace) == "" {
			flush()
			continue
		}
		lines = append(lines, line)
	}
	flush()
	return blocks
}
