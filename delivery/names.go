package delivery

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// maxNameRunes keeps file names well under the 255-byte limit of most
// file systems, accents included.
const maxNameRunes = 80

// FileName is a readable file name, without extension: title with the
// characters file systems refuse replaced, or fallback if nothing is left.
func FileName(title, fallback string) string {
	var b strings.Builder
	space := false
	for _, r := range norm.NFC.String(title) {
		if strings.ContainsRune(`/\:*?"<>|`, r) || unicode.IsControl(r) || unicode.IsSpace(r) {
			space = b.Len() > 0
			continue
		}
		if space {
			b.WriteByte(' ')
			space = false
		}
		b.WriteRune(r)
	}
	name := strings.TrimRight(truncate(b.String(), maxNameRunes), " .")
	if name == "" {
		return fallback
	}
	return name
}

// truncate keeps at most n runes of s, cutting between words when a word
// boundary falls in the second half ("… la scène" never becomes "… la scè").
func truncate(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	rs := []rune(s)
	cut := n
	for i := n; i > n/2; i-- {
		if rs[i] == ' ' {
			cut = i
			break
		}
	}
	return string(rs[:cut])
}

// Attachment is a Content-Disposition header for name.ext (RFC 6266):
// an ASCII filename with accents folded and spaces as dashes for old
// clients, and the exact UTF-8 name in filename* (RFC 5987) for the rest.
func Attachment(name, ext string) string {
	ascii := asciiName(name)
	if ascii == "" {
		ascii = "ecouter"
	}
	return fmt.Sprintf(`attachment; filename="%s.%s"; filename*=UTF-8''%s`, ascii, ext, encode5987(name+"."+ext))
}

// asciiName folds "Le vélo gagne : l'enquête" to "Le-velo-gagne-l-enquete".
func asciiName(s string) string {
	var b strings.Builder
	dash := false
	for _, r := range norm.NFD.String(s) {
		switch {
		case unicode.Is(unicode.Mn, r):
		case r < utf8.RuneSelf && (unicode.IsLetter(r) || unicode.IsDigit(r)):
			if dash && b.Len() > 0 {
				b.WriteByte('-')
			}
			dash = false
			b.WriteRune(r)
		default:
			if folded, ok := ligatures[r]; ok {
				if dash && b.Len() > 0 {
					b.WriteByte('-')
				}
				dash = false
				b.WriteString(folded)
				continue
			}
			dash = true
		}
	}
	return b.String()
}

// ligatures are the letters of French that NFD does not split.
var ligatures = map[rune]string{'œ': "oe", 'Œ': "OE", 'æ': "ae", 'Æ': "AE", 'ß': "ss"}

// encode5987 percent-encodes everything but RFC 5987's attr-char.
func encode5987(s string) string {
	var b strings.Builder
	for _, c := range []byte(s) {
		if c < utf8.RuneSelf && (c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' ||
			strings.IndexByte("!#$&+-.^_`|~", c) >= 0) {
			b.WriteByte(c)
			continue
		}
		fmt.Fprintf(&b, "%%%02X", c)
	}
	return b.String()
}
