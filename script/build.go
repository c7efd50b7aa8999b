package script

import "strings"

// Options tune how a script is built.
type Options struct {
	// Lexicon, if not nil, rewrites the spoken form of every sentence last.
	Lexicon *Lexicon
	// JoinShort joins sentences of one or two words to a neighbour in the
	// same paragraph, quote or list item (see joinShort) so that the engine
	// says them with the sentence they belong to.
	JoinShort bool
}

// Build is BuildWith with the default options.
func Build(inputs []Input) Script { return BuildWith(inputs, Options{}) }

// BuildWith splits each input into sentences, each with its spoken form,
// and keeps the inputs' order and kinds. Sentences with nothing to
// pronounce (only punctuation or symbols) and blocks left empty are dropped.
// Every sentence's Text is a span of its input (made valid UTF-8), so that
// joining a block's texts gives back the input, whitespace and
// unpronounceable sentences aside.
func BuildWith(inputs []Input, opt Options) Script {
	var s Script
	for _, in := range inputs {
		// Split works on runes, so invalid bytes must be made runes first
		// for its sentences to be spans of the text.
		text := strings.ToValidUTF8(in.Text, "\uFFFD")
		spans := speakable(text, Split(text))
		if opt.JoinShort && joinable[in.Kind] {
			spans = joinShort(text, spans)
		}
		b := Block{Kind: in.Kind}
		for _, sp := range spans {
			text := text[sp.start:sp.end]
			b.Sentences = append(b.Sentences, Sentence{Text: text, Spoken: opt.Lexicon.Apply(Speak(text))})
		}
		if len(b.Sentences) > 0 {
			s.Blocks = append(s.Blocks, b)
		}
	}
	return s
}

// span is a sentence's place in its input text, in bytes.
type span struct{ start, end int }

// speakable locates the sentences in text, in order, and keeps those with
// something to pronounce.
func speakable(text string, sentences []string) []span {
	var out []span
	pos := 0
	for _, s := range sentences {
		k := strings.Index(text[pos:], s)
		if k < 0 {
			continue // cannot happen: Split returns trimmed pieces of text in order
		}
		sp := span{pos + k, pos + k + len(s)}
		pos = sp.end
		if strings.ContainsFunc(Speak(s), isWordRune) {
			out = append(out, sp)
		}
	}
	return out
}

// BylineText returns the sentence that announces the author ("Par Claire
// Martin."), or "" when there is no author. It is not named Byline because
// that name is the block Kind it goes in.
//
// A newsroom's own signature reads as French says it ("Rédaction", "La
// rédaction de Nantes" → "Par la rédaction…"), and the account names a CMS
// shows when nobody signed ("admin", "webmaster") announce nobody.
func BylineText(author string) string {
	words := strings.Fields(strings.TrimRight(strings.TrimSpace(author), "."))
	if len(words) == 0 || len(words) == 1 && accountNames[strings.ToLower(words[0])] {
		return ""
	}
	newsroom := func(w string) bool { w = strings.ToLower(w); return w == "rédaction" || w == "redaction" }
	if len(words) > 1 && strings.EqualFold(words[0], "la") && newsroom(words[1]) {
		words = words[1:]
	}
	if newsroom(words[0]) {
		words = append([]string{"la", "rédaction"}, words[1:]...)
	}
	return "Par " + strings.Join(words, " ") + "."
}

// accountNames are the user names CMS installs start with, shown as the
// author of the posts nobody signed.
var accountNames = setOf("admin", "administrateur", "administrator", "webmaster", "wordpress", "editor", "root")
