package article

import (
	"context"
	"errors"
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// Lister is a source that can name its most recent articles, for
// rendering ahead and for feeds of one category. Not every source can:
// those answer errors.ErrUnsupported.
type Lister interface {
	// Recent returns the IDs of the n most recent articles, newest first;
	// with a category (a name or slug, "" for all), only those in it.
	Recent(ctx context.Context, n int, category string) ([]string, error)
}

// ErrNoCategory: the source has no category of that name.
var ErrNoCategory = errors.New("no such category")

// MaxRecent bounds one listing.
const MaxRecent = 500

// Slug is the form categories are compared in: lower case, accents
// removed, anything but letters and digits a single '-' ("Économie &
// Société" -> "economie-societe").
func Slug(s string) string {
	var b strings.Builder
	dash := false
	for _, r := range norm.NFD.String(s) {
		switch {
		case unicode.Is(unicode.Mn, r):
			continue // the accent of a decomposed letter
		case r < unicode.MaxASCII && (unicode.IsLetter(r) || unicode.IsDigit(r)):
			if dash && b.Len() > 0 {
				b.WriteByte('-')
			}
			dash = false
			b.WriteRune(unicode.ToLower(r))
		default:
			dash = true
		}
	}
	return b.String()
}

// inCategory reports whether any of cats is category, by slug.
func inCategory(cats []string, category string) bool {
	want := Slug(category)
	for _, c := range cats {
		if Slug(c) == want {
			return true
		}
	}
	return false
}
