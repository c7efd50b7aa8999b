package script

import (
	"errors"
	"strings"
	"testing"
)

func TestLexiconApply(t *testing.T) {
	lex, err := ParseLexicon(strings.NewReader("\ufeff# marques\r\n" +
		"Nvidia\tènvidia\r\n" +
		"\n" +
		"iPhone\taïe faune\n" +
		"Jean Castex\tJean Castèx\n" +
		"Jean\tJan\n" +
		"l'Oréal\tlauréal\n" +
		"/\\bMc([A-Z][a-z]+)/\tMac $1\n" +
		"/aïe faune (\\w+)/\taïe faune modèle $1\n"))
	if err != nil {
		t.Fatal(err)
	}
	if lex.Len() != 7 {
		t.Errorf("Len() = %d, want 7", lex.Len())
	}
	tests := []struct{ in, want string }{
		{"Nvidia gagne.", "ènvidia gagne."},
		{"Nvidias et nvidia", "Nvidias et nvidia"},                  // whole words, case-sensitive
		{"Jean Castex et Jean Dupont", "Jean Castèx et Jan Dupont"}, // longest key first
		{"l'Oréal", "lauréal"},
		{"McDonald", "Mac Donald"},
		{"l'iPhone quinze", "l'aïe faune modèle quinze"}, // regexps run after words, in order
		{"drôle", "drôle"},
		{"", ""},
	}
	for _, tt := range tests {
		if got := lex.Apply(tt.in); got != tt.want {
			t.Errorf("Apply(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
	var none *Lexicon
	if got := none.Apply("Nvidia"); got != "Nvidia" || none.Len() != 0 {
		t.Errorf("nil lexicon changed %q to %q", "Nvidia", got)
	}
}

func TestParseLexiconErrors(t *testing.T) {
	tests := []struct{ name, in, line string }{
		{"no tab", "Nvidia ènvidia\n", "line 1"},
		{"two tabs", "# c\nNvidia\tèn\tvidia\n", "line 2"},
		{"empty key", "\tènvidia\n", "line 1"},
		{"empty spoken", "Nvidia\t\n", "line 1"},
		{"bad regexp", "ok\tbien\n/(/\tx\n", "line 2"},
		{"duplicate", "Nvidia\ta\nNvidia\tb\n", "line 2"},
		{"punctuation key", "-Nvidia\ta\n", "line 1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParseLexicon(strings.NewReader(tt.in))
			if !errors.Is(err, ErrLexicon) || !strings.Contains(err.Error(), tt.line) {
				t.Errorf("ParseLexicon(%q) error = %v, want ErrLexicon at %s", tt.in, err, tt.line)
			}
		})
	}
}
