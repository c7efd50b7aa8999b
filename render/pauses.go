package render

import (
	"time"

	"ecouter/script"
)

// Pauses are the silences placed between sentences, by structure. The
// defaults follow what radio readers do: a breath between sentences, a
// longer one between paragraphs, the longest after the title and around
// headings so a listener hears the article's shape.
type Pauses struct {
	Lead      time.Duration // before the first sentence
	Sentence  time.Duration
	Paragraph time.Duration
	Heading   time.Duration // before and after a heading
	Title     time.Duration // after the title (and byline)
	Tail      time.Duration // after the last sentence
}

// DefaultPauses are the values used when none are configured.
func DefaultPauses() Pauses {
	return Pauses{
		Lead:      250 * time.Millisecond,
		Sentence:  350 * time.Millisecond,
		Paragraph: 750 * time.Millisecond,
		Heading:   1000 * time.Millisecond,
		Title:     1200 * time.Millisecond,
		Tail:      600 * time.Millisecond,
	}
}

// between is the pause between the last sentence of block prev and the
// first of block next (prev == next for sentences inside one block).
func (p Pauses) between(prev, next script.Kind, sameBlock bool) time.Duration {
	switch {
	case sameBlock:
		return p.Sentence
	case prev == script.Title && next == script.Byline:
		return p.Paragraph
	case prev == script.Title || prev == script.Byline:
		return p.Title
	case prev == script.Heading || next == script.Heading:
		return p.Heading
	case prev == script.ListItem && next == script.ListItem:
		return (p.Sentence + p.Paragraph) / 2
	default:
		return p.Paragraph
	}
}
