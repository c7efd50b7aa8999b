package script

import (
	"reflect"
	"strings"
	"testing"
)

func TestBuildWithJoinShort(t *testing.T) {
	long := strings.TrimSpace(strings.Repeat("Il refuse encore ", 12))
	tests := []struct {
		name string
		in   Input
		want []Sentence
	}{
		{"short joins the next", Input{Paragraph, "Non. Il refuse de signer."},
			[]Sentence{{"Non. Il refuse de signer.", "Non. Il refuse de signer."}}},
		{"short at the end joins the previous", Input{Quote, "Il a signé le texte.  Enfin !"},
			[]Sentence{{"Il a signé le texte.  Enfin !", "Il a signé le texte. Enfin !"}}},
		{"two short ones join together and the next", Input{Paragraph, "Oui. Non. Il hésite encore."},
			[]Sentence{{"Oui. Non. Il hésite encore.", "Oui. Non. Il hésite encore."}}},
		{"three words stay apart", Input{Paragraph, "Pas du tout. Il refuse de signer."},
			[]Sentence{{"Pas du tout.", "Pas du tout."}, {"Il refuse de signer.", "Il refuse de signer."}}},
		{"never across a line break", Input{ListItem, "Non.\nIl refuse de signer."},
			[]Sentence{{"Non.", "Non."}, {"Il refuse de signer.", "Il refuse de signer."}}},
		{"not in a heading", Input{Heading, "Non. Il refuse de signer."},
			[]Sentence{{"Non.", "Non."}, {"Il refuse de signer.", "Il refuse de signer."}}},
		{"dropped symbols kept in the span", Input{Paragraph, "Non. * * * Il refuse de signer."},
			[]Sentence{{"Non. * * * Il refuse de signer.", "Non. Il refuse de signer."}}},
		{"not past the length bound", Input{Paragraph, "Non. " + long + "."},
			[]Sentence{{"Non.", "Non."}, {long + ".", long + "."}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := BuildWith([]Input{tt.in}, Options{JoinShort: true})
			want := Script{Blocks: []Block{{tt.in.Kind, tt.want}}}
			if !reflect.DeepEqual(got, want) {
				t.Errorf("BuildWith(%q)\n got %+v\nwant %+v", tt.in.Text, got, want)
			}
		})
	}
}

func TestBuildKeepsShortByDefault(t *testing.T) {
	got := Build([]Input{{Paragraph, "Non. Il refuse de signer."}})
	if n := len(got.Blocks[0].Sentences); n != 2 {
		t.Errorf("Build joined short sentences: %+v", got)
	}
}

func TestBuildWithLexicon(t *testing.T) {
	lex, err := ParseLexicon(strings.NewReader("Nvidia\tènvidia\nE D F\teudéèf\n"))
	if err != nil {
		t.Fatal(err)
	}
	got := BuildWith([]Input{{Title, "Nvidia et EDF"}}, Options{Lexicon: lex})
	want := Script{Blocks: []Block{{Title, []Sentence{{"Nvidia et EDF", "ènvidia et eudéèf"}}}}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %+v, want %+v", got, want)
	}
}
