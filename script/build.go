package script

import (
	"strings"
	"unicode"
)

// Build splits each input into sentences, each with its spoken form, and
// keeps the inputs' order and kinds. Sentences with nothing to pronounce
// (only punctuation or symbols) and blocks left empty are dropped.
func Build(inputs []Input) Script {
	var s Script
	for _, in := range inputs {
		b := Block{Kind: in.Kind}
		for _, text := range Split(in.Text) {
			spoken := Speak(text)
			if !strings.ContainsFunc(spoken, isWordRune) {
				continue
			}
			b.Sentences = append(b.Sentences, Sentence{Text: text, Spoken: spoken})
		}
		if len(b.Sentences) > 0 {
			s.Blocks = append(s.Blocks, b)
		}
	}
	return s
}

// BylineText returns the sentence that announces the author ("Par Claire
// Martin."), or "" when there is no author. It is not named Byline because
// that name is the block Kind it goes in.
func BylineText(author string) string {
	author = strings.Join(strings.Fields(author), " ")
	if author == "" {
		return ""
	}
	return "Par " + strings.TrimRight(author, ".") + "."
}

func isWordRune(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }
