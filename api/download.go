package api

import (
	"fmt"
	"net/http"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/labstack/echo/v4"
	"golang.org/x/text/unicode/norm"

	"ecouter/article"
	"ecouter/render"
)

// download serves an article's MP3 as an attachment named after its title,
// for saving and listening offline. Unlike audio.mp3 it never streams a
// render in progress (a download must be the whole file, with its length)
// and supports ranges, so interrupted downloads resume.
func (s *Server) download(c echo.Context) error {
	ctx := c.Request().Context()
	defer s.cutOnWithdrawal(c, c.Param("id"))()
	m, err := s.ensure(c, c.Param("id"))
	if err != nil {
		return err
	}
	blob, err := s.renders.Open(ctx, m)
	if err != nil {
		return err
	}
	defer blob.Close()
	h := c.Response().Header()
	h.Set(echo.HeaderContentType, "audio/mpeg")
	h.Set(echo.HeaderContentDisposition, attachment(fileName(m), "mp3"))
	h.Set("ETag", `"`+m.Key+`"`)
	h.Set("Cache-Control", "public, max-age=300")
	serveContent(c, blob, m.RenderedAt)
	return nil
}

// maxNameRunes keeps file names well under the 255-byte limit of most
// file systems, accents included.
const maxNameRunes = 80

// fileName is a readable file name for a render, without extension: the
// title with the characters file systems refuse replaced, or the ID.
func fileName(m *render.Manifest) string {
	var b strings.Builder
	space := false
	for _, r := range norm.NFC.String(m.Title) {
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
		return m.ID
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

// attachment is a Content-Disposition header for name.ext (RFC 6266):
// an ASCII filename with accents folded and spaces as dashes for old
// clients, and the exact UTF-8 name in filename* (RFC 5987) for the rest.
func attachment(name, ext string) string {
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

// maxZipArticles bounds one ZIP download.
const maxZipArticles = 50

// parseIDs reads a comma-separated list of article IDs ("" is nil, no
// filter). Any invalid ID, or more than limit, is a 400.
func parseIDs(list string, limit int) ([]string, error) {
	if strings.TrimSpace(list) == "" {
		return nil, nil
	}
	var ids []string
	for _, id := range strings.Split(list, ",") {
		id = strings.TrimSpace(id)
		if err := article.ValidID(id); err != nil {
			return nil, err
		}
		if !slices.Contains(ids, id) {
			ids = append(ids, id)
		}
	}
	if len(ids) > limit {
		return nil, echo.NewHTTPError(http.StatusBadRequest, fmt.Sprintf("too many ids: at most %d", limit))
	}
	return ids, nil
}
