package feed

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"

	"ecouter/feed/feedtest"
	"ecouter/transcript"
)

func testCues() []transcript.Cue {
	return []transcript.Cue{
		{Block: 0, Kind: "title", Text: "Le tramway prolongé", Start: 0.1, End: 2},
		{Block: 1, Kind: "byline", Text: "Par Claire Martin.", Start: 3, End: 4},
		{Block: 2, Kind: "paragraph", Text: "La ligne ira plus loin.", Start: 5, End: 7},
		{Block: 2, Kind: "paragraph", Text: "Les travaux commencent lundi.", Start: 7.4, End: 9},
		{Block: 3, Kind: "heading", Text: "Un budget maîtrisé", Start: 10.25, End: 11.5},
		{Block: 4, Kind: "paragraph", Text: "Le coût est estimé.", Start: 12.5, End: 14},
		{Block: 5, Kind: "heading", Text: "Deux phrases ici.", Start: 15, End: 16},
		{Block: 5, Kind: "heading", Text: "Un seul titre.", Start: 16.3, End: 17},
		{Block: 6, Kind: "list_item", Text: "Premier point.", Start: 18, End: 19},
	}
}

func TestChapters(t *testing.T) {
	got := Chapters(testCues(), 20)
	want := []Chapter{
		{Title: "Introduction", Start: 0, End: 10.25},
		{Title: "Un budget maîtrisé", Start: 10.25, End: 15},
		{Title: "Deux phrases ici. Un seul titre.", Start: 15, End: 20},
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("Chapters:\n got %+v\nwant %+v", got, want)
	}
	if got := Chapters(testCues()[:4], 9.5); len(got) != 1 || got[0].End != 9.5 {
		t.Fatalf("no heading: %+v, want one introduction to the end", got)
	}
}

// TestChaptersJSON validates the output against the Podcasting 2.0 JSON
// chapters format: version, numeric ascending startTime from 0, titles.
func TestChaptersJSON(t *testing.T) {
	b, err := ChaptersJSON(Chapters(testCues(), 20))
	if err != nil {
		t.Fatal(err)
	}
	if err := feedtest.CheckChapters(b); err != nil {
		t.Fatalf("%v\n%s", err, b)
	}
	var raw map[string]any
	json.Unmarshal(b, &raw)
	first := raw["chapters"].([]any)[0].(map[string]any)
	if _, ok := first["startTime"].(float64); !ok {
		t.Fatalf("startTime is not a JSON number: %s", b)
	}
	for _, bad := range []string{
		`{"version":"1.1.0","chapters":[{"startTime":0,"title":"a"}]}`,
		`{"version":"1.2.0","chapters":[]}`,
		`{"version":"1.2.0","chapters":[{"startTime":1,"title":"a"}]}`,
		`{"version":"1.2.0","chapters":[{"startTime":0,"title":"a"},{"startTime":0,"title":"b"}]}`,
		`{"version":"1.2.0","chapters":[{"startTime":0,"title":""}]}`,
		`{"version":"1.2.0","chapters":[{"startTime":"0","title":"a"}]}`,
	} {
		if feedtest.CheckChapters([]byte(bad)) == nil {
			t.Errorf("accepted %s", bad)
		}
	}
}

func TestExcerpt(t *testing.T) {
	got := Excerpt(testCues())
	want := []string{"La ligne ira plus loin. Les travaux commencent lundi.", "Le coût est estimé.", "Premier point."}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("Excerpt: %q, want %q", got, want)
	}
	cues := []transcript.Cue{
		{Block: 1, Kind: "paragraph", Text: strings.TrimSpace(strings.Repeat("Une phrase assez longue pour remplir l'extrait. ", 9))},
		{Block: 1, Kind: "paragraph", Text: "Celle-ci ne tient plus."},
	}
	if got := Excerpt(cues); len(got) != 1 || got[0] != cues[0].Text {
		t.Fatalf("long first sentence: %q", got)
	}
}
