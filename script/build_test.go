package script

import (
	"reflect"
	"testing"
)

func TestBuild(t *testing.T) {
	tests := []struct {
		name string
		in   []Input
		want Script
	}{
		{"nothing", nil, Script{}},
		{"title and paragraph", []Input{
			{Title, "Le retour de M. Dupont"},
			{Paragraph, "M. Dupont revient. Il a 12 % d'avance."},
		}, Script{Blocks: []Block{
			{Title, []Sentence{{"Le retour de M. Dupont", "Le retour de monsieur Dupont"}}},
			{Paragraph, []Sentence{
				{"M. Dupont revient.", "monsieur Dupont revient."},
				{"Il a 12 % d'avance.", "Il a douze pour cent d'avance."},
			}},
		}}},
		{"newline is a hard break", []Input{{ListItem, "Premier point\nSecond point"}},
			Script{Blocks: []Block{{ListItem, []Sentence{
				{"Premier point", "Premier point"}, {"Second point", "Second point"},
			}}}}},
		{"empty blocks and unspeakable sentences dropped", []Input{
			{Heading, "  "},
			{Paragraph, "* * *"},
			{Quote, "« Non. »\n…"},
		}, Script{Blocks: []Block{{Quote, []Sentence{{"« Non. »", "Non."}}}}}},
		{"byline", []Input{{Byline, BylineText("Claire Martin")}},
			Script{Blocks: []Block{{Byline, []Sentence{{"Par Claire Martin.", "Par Claire Martin."}}}}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Build(tt.in); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("Build()\n got %+v\nwant %+v", got, tt.want)
			}
		})
	}
}

func TestBylineText(t *testing.T) {
	tests := []struct{ in, want string }{
		{"Claire Martin", "Par Claire Martin."},
		{"  Claire   Martin ", "Par Claire Martin."},
		{"Jean Dupont Jr.", "Par Jean Dupont Jr."},
		{"", ""},
		{"   ", ""},
		{"Rédaction", "Par la rédaction."},
		{"La Rédaction", "Par la rédaction."},
		{"la rédaction de Nantes", "Par la rédaction de Nantes."},
		{"Redaction web", "Par la rédaction web."},
		{"admin", ""},
		{"Webmaster", ""},
		{"Admin Martin", "Par Admin Martin."},
		{"La Fontaine", "Par La Fontaine."},
		{"Rédaction avec AFP", "Par la rédaction avec AFP."},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			if got := BylineText(tt.in); got != tt.want {
				t.Errorf("BylineText(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}
