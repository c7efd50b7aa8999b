package feed

import (
	"strings"

	"ecouter/script"
	"ecouter/transcript"
)

// excerptChars is about what podcast apps show before "more": a few
// sentences, never cut in the middle of one.
const excerptChars = 400

// Excerpt picks the first sentences of the article's first paragraphs
// (list items and quotes count as paragraphs), up to about 400
// characters, grouped by paragraph. The title, byline and headings are
// left out: apps show the title already.
func Excerpt(cues []transcript.Cue) []string {
	var (
		paras []string
		cur   []string
		block = -1
		total int
	)
	flush := func() {
		if len(cur) > 0 {
			paras = append(paras, strings.Join(cur, " "))
			cur = nil
		}
	}
	for _, c := range cues {
		switch c.Kind {
		case script.Paragraph, script.ListItem, script.Quote:
		default:
			continue
		}
		text := strings.TrimSpace(c.Text)
		if text == "" {
			continue
		}
		// Always one sentence, then whole sentences while they fit.
		if total > 0 && total+len(text) > excerptChars {
			break
		}
		if c.Block != block {
			flush()
			block = c.Block
		}
		cur = append(cur, text)
		total += len(text) + 1
	}
	flush()
	return paras
}
