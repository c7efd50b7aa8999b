package polly

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestSSML(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"Bonjour.", "<speak>Bonjour.</speak>"},
		{`Tom & Jerry <3 "ok" l'été >`, "<speak>Tom &amp; Jerry &lt;3 &quot;ok&quot; l&apos;été &gt;</speak>"},
		{"</speak><break time=\"9s\"/>", "<speak>&lt;/speak&gt;&lt;break time=&quot;9s&quot;/&gt;</speak>"},
		{"bip\x00\x07 et\ttab", "<speak>bip et\ttab</speak>"},
		{"invalide \xff ici", "<speak>invalide  ici</speak>"},
	} {
		if got := SSML(c.in); got != c.want {
			t.Errorf("SSML(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

func TestSplitLimits(t *testing.T) {
	for _, c := range []struct {
		name   string
		text   string
		pieces int // at least
	}{
		{"short", "Une phrase.", 1},
		{"long", longSentence(4500), 2},
		// 1,450 ampersands and spaces escape to 8,700 characters: cut finer.
		{"escapes", strings.Repeat("& ", 1450), 2},
	} {
		t.Run(c.name, func(t *testing.T) {
			docs, err := split(c.text)
			if err != nil {
				t.Fatal(err)
			}
			if len(docs) < c.pieces {
				t.Errorf("%d pieces, want at least %d", len(docs), c.pieces)
			}
			for i, d := range docs {
				if n := utf8.RuneCountInString(d); n > MaxTotal {
					t.Errorf("piece %d: %d characters, over %d", i, n, MaxTotal)
				}
			}
		})
	}
	if _, err := split(strings.Repeat("a", MaxBilled+1)); err == nil {
		t.Error("a word over the limit: no error")
	}
}
