// Package script builds the narration script of an article: ordered blocks
// (title, byline, headings, paragraphs...) split into French sentences, each
// with its original text and the form the speech engine should read. It is
// pure: no I/O, and it imports nothing else of ecouter.
package script

// Kind is a block's role in the article; it decides the pauses around it.
type Kind string

const (
	Title     Kind = "title"
	Byline    Kind = "byline"
	Heading   Kind = "heading"
	Paragraph Kind = "paragraph"
	ListItem  Kind = "list_item"
	Quote     Kind = "quote"
)

// Sentence is one unit of narration.
type Sentence struct {
	Text   string `json:"text"`   // as written, for transcripts and read-along
	Spoken string `json:"spoken"` // what the speech backend receives
}

// Block is a run of sentences with one role.
type Block struct {
	Kind      Kind       `json:"kind"`
	Sentences []Sentence `json:"sentences"`
}

// Script is an article's whole narration, in reading order.
type Script struct {
	Blocks []Block `json:"blocks"`
}

// Input is one block of source text before sentence splitting.
type Input struct {
	Kind Kind
	Text string
}
