package article

import (
	"fmt"
	"unicode/utf8"
)

// MaxIDLen is the longest article ID accepted, in characters.
const MaxIDLen = 100

// ValidID reports whether id can name an article. IDs end up in file names
// and URLs, so only 1 to MaxIDLen letters, digits, '-' and '_' are allowed:
// nothing that could climb out of a folder or change a URL's meaning, even
// before escaping. The error wraps ErrInvalidID.
func ValidID(id string) error {
	if id == "" {
		return fmt.Errorf("%w: empty", ErrInvalidID)
	}
	if n := utf8.RuneCountInString(id); n > MaxIDLen {
		// The ID itself is left out: it may be huge.
		return fmt.Errorf("%w: %d characters, at most %d allowed", ErrInvalidID, n, MaxIDLen)
	}
	for i, r := range id {
		if !idRune(r) {
			return fmt.Errorf("%w: %q has %q at byte %d; use only letters A-Z a-z, digits, '-' and '_'",
				ErrInvalidID, id, r, i)
		}
	}
	return nil
}

func idRune(r rune) bool {
	return r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_'
}
