package web

import (
	"bytes"
	"reflect"
	"strings"
	"testing"

	"ecouter/transcript"
)

func TestNewPageGroupsBlocks(t *testing.T) {
	lines := []transcript.Cue{
		{Block: 0, Kind: "title", Text: "Titre."},
		{Block: 1, Kind: "byline", Text: "Par Claire Martin."},
		{Block: 2, Kind: "paragraph", Text: "Une."}, {Block: 2, Kind: "paragraph", Text: "Deux."},
		{Block: 3, Kind: "list_item", Text: "Point un."}, {Block: 3, Kind: "list_item", Text: "Suite du point un."},
		{Block: 4, Kind: "list_item", Text: "Point deux."},
		{Block: 5, Kind: "heading", Text: "Intertitre"},
		{Block: 6, Kind: "list_item", Text: "Autre liste."},
		{Block: 7, Kind: "quote", Text: "Citation."},
	}
	p := NewPage("a", lines)
	s := func(cue int) []Sentence { return []Sentence{{cue, lines[cue].Text}} }
	want := Page{
		ID: "a", Title: "Titre.", Head: s(0), Byline: s(1),
		Blocks: []Block{
			{Kind: "paragraph", Sentences: []Sentence{{2, "Une."}, {3, "Deux."}}},
			{Kind: "list", Items: []Block{
				{Kind: "list_item", Sentences: []Sentence{{4, "Point un."}, {5, "Suite du point un."}}},
				{Kind: "list_item", Sentences: s(6)},
			}},
			{Kind: "heading", Sentences: s(7)},
			{Kind: "list", Items: []Block{{Kind: "list_item", Sentences: s(8)}}},
			{Kind: "quote", Sentences: s(9)},
		},
	}
	if !reflect.DeepEqual(p, want) {
		t.Fatalf("NewPage:\n got %+v\nwant %+v", p, want)
	}
}

func TestPagesEscapeText(t *testing.T) {
	var b bytes.Buffer
	evil := `<img src=x onerror=alert(1)>`
	if err := Demo(&b, NewPage(`x"y`, []transcript.Cue{{Block: 0, Kind: "title", Text: evil}, {Block: 1, Kind: "paragraph", Text: evil}})); err != nil {
		t.Fatal(err)
	}
	if err := Error(&b, Problem{ID: `x"y`, Title: evil, Message: evil}); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(b.String(), "<img") || strings.Contains(b.String(), `"x"y"`) {
		t.Fatalf("markup got through:\n%s", b.String())
	}
}

func TestPlayerETag(t *testing.T) {
	body, etag := Player()
	if len(body) == 0 || len(etag) < 10 || etag[0] != '"' {
		t.Fatalf("player: %d bytes, ETag %s", len(body), etag)
	}
}
