package web

import (
	"testing"
	"unicode/utf8"
)

// The player is loaded on every article page, often on a phone: it stays
// small, with no framework.
func TestPlayerSize(t *testing.T) {
	js, _ := Player()
	if len(js) > 20<<10 {
		t.Errorf("player.js is %d bytes, over 20 KB", len(js))
	}
	t.Logf("player.js: %d bytes", len(js))
}

// Icons are inline SVG: an emoji or a symbol from a font shows as an empty
// box where no font has it.
func TestPlayerHasNoEmoji(t *testing.T) {
	js, _ := Player()
	for i := 0; i < len(js); {
		r, n := utf8.DecodeRune(js[i:])
		if emojiLike(r) {
			t.Errorf("player.js has %q (U+%04X) at byte %d", r, r, i)
		}
		i += n
	}
}

// emojiLike: arrows, technical symbols (⏸), shapes (▶), dingbats and
// the emoji planes. A minus sign or "×" is text, which every font has.
func emojiLike(r rune) bool {
	for _, b := range [][2]rune{{0x2190, 0x21FF}, {0x2300, 0x23FF}, {0x25A0, 0x27BF}, {0x2B00, 0x2BFF}, {0x1F000, 0x10FFFF}} {
		if r >= b[0] && r <= b[1] {
			return true
		}
	}
	return false
}
