package article

import (
	"flag"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite golden files under testdata")

// TestExtractGolden extracts every testdata/extract/*.html with the default
// rules and compares with the .golden file next to it: one block a line,
// "kind<TAB>text", with hard breaks shown as ⏎.
func TestExtractGolden(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("testdata", "extract", "*.html"))
	if err != nil {
		t.Fatal(err)
	}
	if len(files) < 6 {
		t.Fatalf("found %d golden cases, want at least 6", len(files))
	}
	for _, file := range files {
		name := strings.TrimSuffix(filepath.Base(file), ".html")
		t.Run(name, func(t *testing.T) {
			src, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			got := formatBlocks(Extract(string(src), DefaultRules()))
			golden := strings.TrimSuffix(file, ".html") + ".golden"
			if *update {
				if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run go test ./article -update to create it)", err)
			}
			if got != string(want) {
				t.Errorf("Extract(%s) differs from %s\n--- got\n%s--- want\n%s", file, golden, got, want)
			}
		})
	}
}

func formatBlocks(blocks []Block) string {
	var b strings.Builder
	for _, bl := range blocks {
		b.WriteString(bl.Kind + "\t" + strings.ReplaceAll(bl.Text, "\n", "⏎") + "\n")
	}
	return b.String()
}

func TestExtractKeepsNoBreakSpaces(t *testing.T) {
	got := Extract("<p>1&nbsp;200 voyageurs à 9&#8239;h, soit 3,5&nbsp; %</p>", DefaultRules())
	want := []Block{{KindParagraph, "1\u00a0200 voyageurs à 9\u202fh, soit 3,5\u00a0%"}}
	if !slices.Equal(got, want) {
		t.Errorf("got %q, want %q", got, want)
	}
}

func TestExtractBreaks(t *testing.T) {
	got := Extract("<p>Un<br>deux<br/><br> trois <br></p>", DefaultRules())
	want := []Block{{KindParagraph, "Un\ndeux\ntrois"}}
	if !slices.Equal(got, want) {
		t.Errorf("got %q, want %q", got, want)
	}
}

func TestExtractKinds(t *testing.T) {
	src := `<h1>T</h1><h6>U</h6><p>P</p><ul><li>L</li></ul><blockquote><p>Q</p>R</blockquote>`
	got := Extract(src, DefaultRules())
	want := []Block{
		{KindHeading, "T"}, {KindHeading, "U"}, {KindParagraph, "P"},
		{KindListItem, "L"}, {KindQuote, "Q"}, {KindQuote, "R"},
	}
	if !slices.Equal(got, want) {
		t.Errorf("got %q, want %q", got, want)
	}
}

func TestExtractEmpty(t *testing.T) {
	for _, src := range []string{"", "   ", "<p></p>", "<p>&nbsp;</p><div> \n </div>", "<figure><img></figure>"} {
		if got := Extract(src, DefaultRules()); len(got) != 0 {
			t.Errorf("Extract(%q) = %q, want no blocks", src, got)
		}
	}
}

func TestRulesWith(t *testing.T) {
	base := DefaultRules()
	nElements := len(base.SkipElements)
	r := base.With([]string{" Table ", "", "<aside>", "dl"}, []string{".promo", "encadre", " "})

	if len(base.SkipElements) != nElements {
		t.Errorf("With modified the original rules")
	}
	for _, want := range []string{"table", "dl"} {
		if !slices.Contains(r.SkipElements, want) {
			t.Errorf("SkipElements %q lacks %q", r.SkipElements, want)
		}
	}
	if len(r.SkipElements) != nElements+2 {
		t.Errorf("got %d elements, want %d (aside was already there, blank ignored)", len(r.SkipElements), nElements+2)
	}
	src := `<p>Garde</p><table><tr><td>Tableau</td></tr></table><div class="x promo"><p>Promo</p></div><p class="encadre">Encadré</p>`
	got := Extract(src, r)
	want := []Block{{KindParagraph, "Garde"}}
	if !slices.Equal(got, want) {
		t.Errorf("Extract with extended rules = %q, want %q", got, want)
	}
	if got := Extract(src, base); len(got) != 4 {
		t.Errorf("default rules should keep all 4 blocks, got %q", got)
	}
}

func TestTextBlocks(t *testing.T) {
	text := "Premier paragraphe\r\nsur deux lignes.\r\n\r\n\n  Deuxième,  avec  espaces.  \n \t \nTroisième\u00a0: 1\u00a0200.\n"
	got := TextBlocks(text)
	want := []Block{
		{KindParagraph, "Premier paragraphe\nsur deux lignes."},
		{KindParagraph, "Deuxième, avec espaces."},
		{KindParagraph, "Troisième\u00a0: 1\u00a0200."},
	}
	if !slices.Equal(got, want) {
		t.Errorf("got %q, want %q", got, want)
	}
	if got := TextBlocks(" \n\n \n"); len(got) != 0 {
		t.Errorf("blank text gave %q", got)
	}
}
