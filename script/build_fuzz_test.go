package script

import (
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"
)

// FuzzBuild checks that no text is lost: each sentence's Text is a span of
// the block's input, the spans come in order without overlapping, and
// outside them there is no letter or digit (only spaces, line breaks and
// dropped symbol-only sentences). It builds with every option on.
func FuzzBuild(f *testing.F) {
	for _, s := range []string{
		"Non. Il refuse.", "M. Dupont. Il part.", "« Non. » Il part.\nOui.", "* * * A. B",
		"Il a 12 % d'avance. 1er mai.", "Oui. Non. Peut-être ? Bon.", "(…) A… (", "a.b. C",
	} {
		f.Add(s)
	}
	lex, err := ParseLexicon(strings.NewReader("Non\tnon\n/o+/\tou\n"))
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, text string) {
		text = strings.ToValidUTF8(text, "\uFFFD")
		s := BuildWith([]Input{{Paragraph, text}}, Options{Lexicon: lex, JoinShort: true})
		if len(s.Blocks) > 1 {
			t.Fatalf("one input gave %d blocks", len(s.Blocks))
		}
		rest, pos := "", 0
		for _, b := range s.Blocks {
			for _, sen := range b.Sentences {
				k := strings.Index(text[pos:], sen.Text)
				if sen.Text == "" || k < 0 {
					t.Fatalf("Build(%q): sentence %q is not the next span of the input", text, sen.Text)
				}
				rest += text[pos : pos+k]
				pos += k + len(sen.Text)
				if !utf8.ValidString(sen.Spoken) || !strings.ContainsFunc(sen.Spoken, isWordRune) {
					t.Fatalf("Build(%q): sentence %q has spoken form %q", text, sen.Text, sen.Spoken)
				}
			}
		}
		rest += text[pos:]
		if strings.ContainsFunc(rest, isWordRune) {
			t.Fatalf("Build(%q) lost text: %q is in no sentence", text, rest)
		}
	})
}

// FuzzSpeak checks that Speak never panics, returns valid UTF-8 without
// digits (every number is read), trimmed with single spaces, keeps a letter
// when the input has one, and is stable.
func FuzzSpeak(f *testing.F) {
	for _, s := range []string{
		"M. Dupont, 12 % à 9h15", "1 200 € et 3,50 €", "le XVIIe siècle, Louis XIV", "14/07/2025",
		"https://www.exemple.fr/a?b", "a@b.fr", "−5 °C", "2 M€", "A380 COVID-19", "1.200.000", "0h05",
		"12345678901234567890", "😀 ★ →", "1,5 k€", "2025-07-14", "n°7", "EDF et l'OTAN",
		// issue 12's forms
		"M. le maire", "Mᵐᵉ la maire, Nᵒˢ 3", "3 000 €/m²", "120 hab./km²", "25 µg/m³", "3 x 4 m",
		"15h-18h", "les 3-4-5 octobre", "les 17/18 juin", "03.04.2025", "le 3.04", "3 avr. 2025",
		"les années 80", "3.5 %", "2 1/2", "1/8e de finale", "l'OFB", "qu'OpenAI", "No. 5",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, text string) {
		got := Speak(text)
		switch {
		case !utf8.ValidString(got):
			t.Fatalf("Speak(%q) = %q: invalid UTF-8", text, got)
		case strings.ContainsFunc(got, unicode.IsDigit):
			t.Fatalf("Speak(%q) = %q: digits left", text, got)
		case got != strings.Join(strings.Fields(got), " "):
			t.Fatalf("Speak(%q) = %q: untidy spaces", text, got)
		case strings.ContainsFunc(text, unicode.IsLetter) && !strings.ContainsFunc(got, unicode.IsLetter):
			t.Fatalf("Speak(%q) = %q: letters lost", text, got)
		case Speak(text) != got:
			t.Fatalf("Speak(%q) is not deterministic", text)
		}
	})
}
