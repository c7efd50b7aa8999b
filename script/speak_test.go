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
	if n := len(runSpeakCases(t, "testdata/speak_cases.tsv")); n < 150 {
		t.Errorf("only %d cases in testdata/speak_cases.tsv, want at least 150", n)
	}
}

// TestSpeakNews runs the second golden table, the forms newsroom copy is
// full of, and checks that it covers every kind with enough cases to mean
// something.
func TestSpeakNews(t *testing.T) {
	kinds := runSpeakCases(t, "testdata/speak_news_cases.tsv")
	perKind := map[string]int{}
	for _, k := range kinds {
		perKind[k]++
	}
	if len(kinds) < 150 {
		t.Errorf("only %d cases in testdata/speak_news_cases.tsv, want at least 150", len(kinds))
	}
	for _, k := range []string{"titles", "units", "ranges", "dates", "fractions", "acronyms"} {
		if perKind[k] < 15 {
			t.Errorf("kind %q has %d cases, want at least 15", k, perKind[k])
		}
	}
	t.Logf("cases by kind: %v", perKind)
}

// runSpeakCases runs the cases of a golden file as subtests and returns the
// kind of each (the last "## kind" line above it).
func runSpeakCases(t *testing.T, path string) []string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("read cases: %v", err)
	}
	var kinds []string
	kind := ""
	for k, line := range strings.Split(string(b), "\n") {
		if name, ok := strings.CutPrefix(line, "## "); ok {
			kind = strings.TrimSpace(name)
			continue
		}
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		in, want, ok := strings.Cut(line, "\t")
		if !ok || strings.Contains(want, "\t") {
			t.Fatalf("%s line %d: want input, one tab, expected form", path, k+1)
		}
		in, want = unescapeCase(in), unescapeCase(want)
		kinds = append(kinds, kind)
		t.Run(in, func(t *testing.T) {
			if got := Speak(in); got != want {
				t.Errorf("Speak(%q)\n got %q\nwant %q", in, got, want)
			}
		})
	}
	return kinds
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
