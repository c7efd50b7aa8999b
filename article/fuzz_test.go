package article

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"
)

// FuzzValidID checks that an accepted ID can never change a path or URL:
// 1 to MaxIDLen characters, none of them outside [A-Za-z0-9_-].
func FuzzValidID(f *testing.F) {
	for _, s := range []string{"tramway-nantes", "4812", "", "../etc", "%2e%2e", "a/b", "é", "a\x00b"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, id string) {
		err := ValidID(id)
		if err != nil {
			if !errors.Is(err, ErrInvalidID) {
				t.Fatalf("ValidID(%q) = %v, not ErrInvalidID", id, err)
			}
			return
		}
		if n := utf8.RuneCountInString(id); n == 0 || n > MaxIDLen {
			t.Fatalf("accepted %q of %d characters", id, n)
		}
		for _, r := range id {
			if !idRune(r) {
				t.Fatalf("accepted %q with %q", id, r)
			}
		}
	})
}

// FuzzDecodeArticle feeds source answers (WordPress post objects and the
// simple form) to the decoder: it must never panic, and what it accepts
// has a title.
func FuzzDecodeArticle(f *testing.F) {
	if post, err := os.ReadFile("testdata/wordpress/post.json"); err == nil {
		f.Add(post)
	}
	for _, s := range []string{
		`{"title":{"rendered":"<b></b>"},"content":{"rendered":""}}`,
		`{"title":{"rendered":"T"},"_embedded":{"author":[{}],"wp:term":[[{"name":"<i>x</i>","taxonomy":"category"}]]}}`,
		`{"title":"x","published":"2025-06-03T08:00:00+02:00","categories":[" a ",""]}`,
		`{"title":{"rendered":"&#8217;"},"date_gmt":"2025-06-03T08:00:00"}`,
		`[]`, `null`, `{"title":null}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		a, err := decodeArticle("a1", data)
		if err != nil {
			return
		}
		if a.Title == "" || a.ID != "a1" {
			t.Fatalf("accepted %q as %+v", data, a)
		}
	})
}

// FuzzExtract feeds article HTML to the extractor, the golden files and
// shortcodes among the seeds: it must never panic, and every block it
// keeps has text, valid and trimmed, with no marker left in it.
func FuzzExtract(f *testing.F) {
	files, _ := filepath.Glob("testdata/extract/*.html")
	for _, file := range files {
		if b, err := os.ReadFile(file); err == nil {
			f.Add(string(b))
		}
	}
	for _, s := range []string{
		"[caption]<p>a[/caption]", "<table><tr><td></td><td>x</td></tr></table>", "<sup><a href=#>1</a></sup>",
		"[a b=c][/a][/a]", "<pre><code>x</code></pre>y", "Photo : AFP",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, src string) {
		for _, b := range Extract(src, DefaultRules()) {
			if b.Text == "" || b.Text != strings.TrimSpace(b.Text) || !utf8.ValidString(b.Text) && utf8.ValidString(src) ||
				strings.Contains(b.Text, hardBreak) {
				t.Fatalf("Extract(%q) kept block %q", src, b.Text)
			}
		}
	})
}
