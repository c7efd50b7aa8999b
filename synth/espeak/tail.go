package espeak

import (
	"strings"
	"unicode/utf8"
)

// stderrTail is how much of the engine's stderr an EngineError keeps: enough
// for espeak-ng's few error lines, bounded if a broken build floods stderr.
const stderrTail = 4 << 10

// tailBuffer is an io.Writer that keeps only the last max bytes written.
// It is not safe for concurrent use; os/exec writes stderr from a single
// goroutine and Wait orders that before any read.
type tailBuffer struct {
	max int
	buf []byte
}

func (t *tailBuffer) Write(p []byte) (int, error) {
	n := len(p)
	if len(p) >= t.max {
		t.buf = append(t.buf[:0], p[len(p)-t.max:]...)
		return n, nil
	}
	if over := len(t.buf) + len(p) - t.max; over > 0 {
		t.buf = append(t.buf[:0], t.buf[over:]...)
	}
	t.buf = append(t.buf, p...)
	return n, nil
}

// String returns the kept bytes, trimmed, without a rune cut in half by the
// truncation.
func (t *tailBuffer) String() string {
	b := t.buf
	for len(b) > 0 && !utf8.RuneStart(b[0]) {
		b = b[1:]
	}
	return strings.TrimSpace(strings.ToValidUTF8(string(b), "\uFFFD"))
}
