package script

import (
	"os"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// TestSpeak runs the golden cases of testdata/speak_cases.tsv: the input, a
// tab, the expected spoken form.
func TestSpeak(t *testing.T) {
	b, err := os.ReadFile("testdata/speak_cases.tsv")
	if err != nil {
		t.Fatalf("read cases: %v", err)
	}
	n := 0
	for k, line := range strings.Split(string(b), "\n") {
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		in, want, ok := strings.Cut(line, "\t")
		if !ok || strings.Contains(want, "\t") {
			t.Fatalf("speak_cases.tsv line %d: want input, one tab, expected form", k+1)
		}
		in, want = unescapeCase(in), unescapeCase(want)
		n++
		t.Run(in, func(t *testing.T) {
			if got := Speak(in); got != want {
				t.Errorf("Speak(%q)\n got %q\nwant %q", in, got, want)
			}
		})
	}
	if n < 150 {
		t.Errorf("only %d cases in testdata/speak_cases.tsv, want at least 150", n)
	}
}

// TestSpeakDeterministic guards against map iteration order leaking in.
func TestSpeakDeterministic(t *testing.T) {
	in := "M. Dupont, 12 % à 9h15 : 1 200 € & etc. EDF, XVIIe, 3,50 €, 5 km, 14/07/2025"
	want := Speak(in)
	for range 50 {
		if got := Speak(in); got != want {
			t.Fatalf("Speak(%q) = %q, then %q", in, want, got)
		}
	}
}

var caseEscape = regexp.MustCompile(`\\(u[0-9a-fA-F]{4}|t|n)`)

// unescapeCase reads the escapes the case files use for invisible text:
// \n, \t and \uXXXX.
func unescapeCase(s string) string {
	return caseEscape.ReplaceAllStringFunc(s, func(e string) string {
		switch e {
		case `\n`:
			return "\n"
		case `\t`:
			return "\t"
		}
		r, _ := strconv.ParseUint(e[2:], 16, 32)
		return string(rune(r))
	})
}
