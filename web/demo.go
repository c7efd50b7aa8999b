package web

import (
	_ "embed"
	"fmt"
	"html/template"
	"io"
	"strings"

	"ecouter/script"
	"ecouter/transcript"
)

//go:embed demo.html
var demoHTML string

var pages = template.Must(template.New("demo").Parse(demoHTML))

// Sentence is a line placed on the page.
type Sentence struct {
	Cue  int
	Text string
}

// Block is a run of sentences shown as one element. A "list" block holds
// its items, one Block each, in Items.
type Block struct {
	Kind      string
	Sentences []Sentence
	Items     []Block
}

// Page is the demo page of an article.
type Page struct {
	ID     string
	Title  string // the title's text, for <title>
	Head   []Sentence
	Byline []Sentence
	Blocks []Block
}

// NewPage groups the narration's sentences (cues in reading order: a cue's
// index is its number for the read-along; times are not used) into the
// blocks of the page: the title and byline apart, consecutive list items
// into one list.
func NewPage(id string, lines []transcript.Cue) Page {
	p := Page{ID: id}
	prev := -1
	for i, l := range lines {
		s := Sentence{Cue: i, Text: l.Text}
		switch {
		case l.Kind == script.Title:
			p.Head = append(p.Head, s)
			p.Title = strings.TrimSpace(p.Title + " " + l.Text)
		case l.Kind == script.Byline:
			p.Byline = append(p.Byline, s)
		case l.Block == prev && len(p.Blocks) > 0:
			last := &p.Blocks[len(p.Blocks)-1]
			if last.Kind == "list" {
				last = &last.Items[len(last.Items)-1]
			}
			last.Sentences = append(last.Sentences, s)
		case l.Kind == script.ListItem:
			item := Block{Kind: string(l.Kind), Sentences: []Sentence{s}}
			if n := len(p.Blocks); n > 0 && p.Blocks[n-1].Kind == "list" {
				p.Blocks[n-1].Items = append(p.Blocks[n-1].Items, item)
			} else {
				p.Blocks = append(p.Blocks, Block{Kind: "list", Items: []Block{item}})
			}
		default:
			p.Blocks = append(p.Blocks, Block{Kind: string(l.Kind), Sentences: []Sentence{s}})
		}
		prev = l.Block
	}
	return p
}

// Demo writes the demo page of an article: its text with every sentence
// marked for read-along, and the listen button.
func Demo(w io.Writer, p Page) error {
	if err := pages.ExecuteTemplate(w, "article", p); err != nil {
		return fmt.Errorf("demo page %s: %w", p.ID, err)
	}
	return nil
}

// Problem is the page shown instead of an article. With an ID, it keeps
// the listen button, so the player itself tells the reader what is wrong,
// as it would on the news site.
type Problem struct {
	ID      string // empty: no button (the ID itself is invalid)
	Title   string
	Message string
}

// Error writes a problem page.
func Error(w io.Writer, p Problem) error {
	if err := pages.ExecuteTemplate(w, "problem", p); err != nil {
		return fmt.Errorf("problem page: %w", err)
	}
	return nil
}
