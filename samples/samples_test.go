package samples_test

import (
	"context"
	"io/fs"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"ecouter/article"
	"ecouter/samples"
)

var wantIDs = []string{"breve", "budget-municipal", "festival-jazz", "meteo-bretagne", "tramway-nantes"}

// blocks returns what a listener would hear of a's body.
func blocks(a *article.Article) []article.Block {
	if a.HTML != "" {
		return article.Extract(a.HTML, article.DefaultRules())
	}
	return article.TextBlocks(a.Text)
}

func bodyText(bs []article.Block) string {
	var parts []string
	for _, b := range bs {
		parts = append(parts, b.Text)
	}
	return strings.Join(parts, "\n")
}

func TestEverySampleLoadsAndExtracts(t *testing.T) {
	files, err := fs.Glob(samples.Articles(), "*.json")
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, f := range files {
		ids = append(ids, strings.TrimSuffix(f, ".json"))
	}
	if !slices.Equal(ids, wantIDs) {
		t.Fatalf("samples %q, want %q", ids, wantIDs)
	}
	src, err := article.Parse("samples", nil, samples.Articles())
	if err != nil {
		t.Fatal(err)
	}
	for _, id := range ids {
		t.Run(id, func(t *testing.T) {
			a, err := src.Article(context.Background(), id)
			if err != nil {
				t.Fatal(err)
			}
			if a.ID != id || a.Title == "" || a.Author == "" || a.Published.IsZero() || len(a.Categories) == 0 {
				t.Errorf("incomplete metadata: %+v", *a)
			}
			if !strings.HasPrefix(a.URL, "https://www.exemple-actu.fr/") {
				t.Errorf("url %q not on www.exemple-actu.fr", a.URL)
			}
			bs := blocks(a)
			if len(bs) == 0 {
				t.Fatal("no blocks")
			}
			for i, b := range bs {
				if strings.TrimSpace(b.Text) == "" {
					t.Errorf("block %d is empty", i)
				}
			}
		})
	}
}

func load(t *testing.T, id string) *article.Article {
	t.Helper()
	a, err := article.NewDir(samples.Articles()).Article(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

// TestTramwayExercisesThePipeline checks the long sample carries what it is
// there for, and that the page furniture around it is not read.
func TestTramwayExercisesThePipeline(t *testing.T) {
	a := load(t, "tramway-nantes")
	bs := blocks(a)
	text := bodyText(bs)
	if n := utf8.RuneCountInString(text); n < 9000 || n > 12000 {
		t.Errorf("body is %d characters, want about 10,000", n)
	}
	kinds := map[string]int{}
	for _, b := range bs {
		kinds[b.Kind]++
	}
	for _, k := range []string{article.KindHeading, article.KindParagraph, article.KindListItem, article.KindQuote} {
		if kinds[k] == 0 {
			t.Errorf("no %s block", k)
		}
	}
	for _, want := range []string{
		"M.\u00a0Paul Guérin", "Mme\u00a0Claire", "Dr\u00a0Hélène", "1\u00a0200\u00a0voyageurs", "3,5\u00a0%",
		"9\u00a0h\u00a015", "«\u00a0", "\u00a0»", "…", "ligne6@tan-exemple.fr", "www.tan-exemple.fr/ligne6",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("body lacks %q", want)
		}
	}
	for _, unwanted := range []string{
		"chrono en main", "Photo", "Lire aussi", "Publicité", "googletag", "Partager", "newsletter", "Je m’inscris",
	} {
		if strings.Contains(text, unwanted) {
			t.Errorf("body should not contain %q", unwanted)
		}
	}
	// The page does carry them: the test would be empty otherwise.
	for _, there := range []string{"twitter-tweet", "<figcaption>", "Lire aussi", "div-gpt-ad", "sharedaddy"} {
		if !strings.Contains(a.HTML, there) {
			t.Errorf("html lacks %q", there)
		}
	}
}

func TestFestivalIsWordPressForm(t *testing.T) {
	a := load(t, "festival-jazz")
	if a.Title != "Vannes\u00a0: Jazz en Remparts dévoile une 28e édition tournée vers les jeunes & la scène bretonne" {
		t.Errorf("title %q: entities and tags should be decoded", a.Title)
	}
	if a.Author != "Yann Le Dué" {
		t.Errorf("author %q", a.Author)
	}
	if !slices.Equal(a.Categories, []string{"Culture", "Vannes & Golfe du Morbihan"}) {
		t.Errorf("categories %q", a.Categories)
	}
	if a.Modified.IsZero() || !a.Modified.After(a.Published) {
		t.Errorf("modified %v should follow published %v", a.Modified, a.Published)
	}
	text := bodyText(blocks(a))
	if strings.Contains(text, "&#8217;") || !strings.Contains(text, "l’année") {
		t.Errorf("entities not decoded in body")
	}
}

func TestMeteoIsPlainText(t *testing.T) {
	a := load(t, "meteo-bretagne")
	if a.HTML != "" || a.Text == "" {
		t.Fatalf("want the text form, got html %d bytes, text %d bytes", len(a.HTML), len(a.Text))
	}
	bs := blocks(a)
	if len(bs) != 3 || !strings.Contains(bs[1].Text, "\n") {
		t.Errorf("want 3 paragraphs, the second with hard breaks; got %q", bs)
	}
}

func TestBreveIsShort(t *testing.T) {
	bs := blocks(load(t, "breve"))
	if len(bs) != 1 || utf8.RuneCountInString(bs[0].Text) > 300 {
		t.Errorf("want one short paragraph, got %q", bs)
	}
}
