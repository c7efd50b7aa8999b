package article

import (
	"errors"
	"os"
	"slices"
	"strings"
	"testing"
	"time"
)

func TestDecodeWordPressFixture(t *testing.T) {
	data, err := os.ReadFile("testdata/wordpress/post.json")
	if err != nil {
		t.Fatal(err)
	}
	a, err := decodeArticle("4812", data)
	if err != nil {
		t.Fatal(err)
	}
	checkWordPressFixture(t, a)
}

// checkWordPressFixture checks what testdata/wordpress/post.json decodes to.
func checkWordPressFixture(t *testing.T, a *Article) {
	t.Helper()
	want := Article{
		ID:         "4812",
		Title:      "La Loire à vélo fête ses 30\u00a0ans… et l’été commence & bien",
		Author:     "Anaïs Le Gall & Rédaction",
		Published:  time.Date(2025, 6, 3, 7, 30, 0, 0, time.UTC),
		Modified:   time.Date(2025, 6, 3, 9, 2, 17, 0, time.UTC),
		URL:        "https://www.exemple-actu.fr/2025/06/03/la-loire-a-velo-fete-ses-30-ans/",
		Categories: []string{"Loisirs", "Tourisme & patrimoine"},
	}
	if a.ID != want.ID || a.Title != want.Title || a.Author != want.Author || a.URL != want.URL {
		t.Errorf("got id %q title %q author %q url %q\nwant id %q title %q author %q url %q",
			a.ID, a.Title, a.Author, a.URL, want.ID, want.Title, want.Author, want.URL)
	}
	if !a.Published.Equal(want.Published) || !a.Modified.Equal(want.Modified) {
		t.Errorf("got published %v modified %v, want %v %v", a.Published, a.Modified, want.Published, want.Modified)
	}
	if !slices.Equal(a.Categories, want.Categories) {
		t.Errorf("categories %q, want %q (tags left out)", a.Categories, want.Categories)
	}
	blocks := Extract(a.HTML, DefaultRules())
	wantBlocks := []Block{
		{KindParagraph, "Trente ans après son inauguration, l’itinéraire accueille 1\u00a0200\u00a0cyclistes par jour."},
		{KindHeading, "Un succès populaire"},
		{KindParagraph, "La fréquentation a doublé depuis 2015."},
	}
	if !slices.Equal(blocks, wantBlocks) {
		t.Errorf("content blocks %q, want %q", blocks, wantBlocks)
	}
}

func TestDecodeSimple(t *testing.T) {
	tests := []struct {
		name string
		json string
		want Article
	}{
		{
			name: "html form, RFC 3339",
			json: `{"id":"ignored","title":"  Un   titre ","author":"M. X","published":"2025-06-03T09:30:00+02:00",
				"modified":"2025-06-04T10:00:00Z","url":"https://www.exemple-actu.fr/a","html":"<p>Corps</p>","categories":["Ville"," ",""]}`,
			want: Article{ID: "a1", Title: "Un titre", Author: "M. X",
				Published: time.Date(2025, 6, 3, 7, 30, 0, 0, time.UTC), Modified: time.Date(2025, 6, 4, 10, 0, 0, 0, time.UTC),
				URL: "https://www.exemple-actu.fr/a", HTML: "<p>Corps</p>", Categories: []string{"Ville"}},
		},
		{
			name: "text form, plain date",
			json: `{"title":"Météo","published":"2025-06-03","text":"Un.\n\nDeux."}`,
			want: Article{ID: "a1", Title: "Météo", Published: time.Date(2025, 6, 3, 0, 0, 0, 0, time.UTC), Text: "Un.\n\nDeux."},
		},
		{
			name: "wordpress date in simple form, entities kept as text",
			json: `{"title":"AT&amp;T <b>","published":"2025-06-03T09:30:00"}`,
			want: Article{ID: "a1", Title: "AT&amp;T <b>", Published: time.Date(2025, 6, 3, 9, 30, 0, 0, time.UTC)},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a, err := decodeArticle("a1", []byte(tt.json))
			if err != nil {
				t.Fatal(err)
			}
			if a.ID != tt.want.ID || a.Title != tt.want.Title || a.Author != tt.want.Author || a.URL != tt.want.URL ||
				a.HTML != tt.want.HTML || a.Text != tt.want.Text || !slices.Equal(a.Categories, tt.want.Categories) ||
				!a.Published.Equal(tt.want.Published) || !a.Modified.Equal(tt.want.Modified) {
				t.Errorf("got  %+v\nwant %+v", *a, tt.want)
			}
		})
	}
}

// A title of markup only is the article's fault, not the source's: 422.
func TestDecodeMarkupOnlyTitle(t *testing.T) {
	for _, js := range []string{`{"title":{"rendered":"<b> </b>"},"content":{"rendered":"<p></p>"}}`, `{"title":"  ","text":""}`} {
		if _, err := decodeArticle("a1", []byte(js)); !errors.Is(err, ErrEmpty) {
			t.Errorf("%s: got %v, want ErrEmpty", js, err)
		}
	}
}

// An article with an empty title (or one of markup only) is read without
// it: its text is all there is to hear. It used to be refused (422).
func TestDecodeEmptyTitleReadsText(t *testing.T) {
	for _, js := range []string{
		`{"title":"","text":"Le texte seul."}`,
		`{"title":"  ","html":"<p>Le texte seul.</p>"}`,
		`{"title":{"rendered":""},"content":{"rendered":"<p>Le texte seul.</p>"}}`,
		`{"title":{"rendered":"<b> </b>"},"content":{"rendered":"<p>Le texte seul.</p>"}}`,
	} {
		a, err := decodeArticle("a1", []byte(js))
		if err != nil {
			t.Errorf("%s: %v", js, err)
			continue
		}
		if a.Title != "" || !strings.Contains(a.HTML+a.Text, "Le texte seul.") {
			t.Errorf("%s: title %q, text %q %q", js, a.Title, a.HTML, a.Text)
		}
	}
}

func TestDecodeErrors(t *testing.T) {
	for name, js := range map[string]string{
		"not json":        `<html>`,
		"truncated":       `{"title":"x"`,
		"array":           `[]`,
		"no title":        `{"html":"<p>x</p>"}`,
		"null title":      `{"title":null}`,
		"number title":    `{"title":3}`,
		"empty title":     `{"title":"  "}`,
		"empty wp title":  `{"title":{"rendered":""}}`,
		"bad date":        `{"title":"x","published":"3 juin 2025"}`,
		"bad wp date":     `{"title":{"rendered":"x"},"date_gmt":"hier"}`,
		"wrong type":      `{"title":"x","categories":"Ville"}`,
		"wp content type": `{"title":{"rendered":"x"},"content":"corps"}`,
	} {
		t.Run(name, func(t *testing.T) {
			if a, err := decodeArticle("a1", []byte(js)); err == nil {
				t.Errorf("decoded %+v, want an error", a)
			}
		})
	}
}
