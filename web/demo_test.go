package web

import (
	"bytes"
	"reflect"
	"strings"
	"testing"
)

func TestNewPageGroupsBlocks(t *testing.T) {
	lines := []Line{
		{0, "title", "Titre."},
		{1, "byline", "Par Claire Martin."},
		{2, "paragraph", "Une."}, {2, "paragraph", "Deux."},
		{3, "list_item", "Point un."}, {3, "list_item", "Suite du point un."},
		{4, "list_item", "Point deux."},
		{5, "heading", "Intertitre"},
		{6, "list_item", "Autre liste."},
		{7, "quote", "Citation."},
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
	if err := Demo(&b, NewPage(`x"y`, []Line{{0, "title", evil}, {1, "paragraph", evil}})); err != nil {
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
