package espeak

import (
	"strings"
	"testing"
)

func TestTailBuffer(t *testing.T) {
	tests := []struct {
		name   string
		writes []string
		want   string
	}{
		{"short", []string{"a", "b"}, "ab"},
		{"exactly full", []string{"abcd", "ef"}, "cdef"},
		{"one big write", []string{"0123456789"}, "6789"},
		{"overflow across writes", []string{"abc", "def", "g"}, "defg"},
		{"trimmed", []string{" x\n"}, "x"},
		{"whole rune kept", []string{"abé", "cd"}, "écd"},
		{"cut rune dropped", []string{"aé", "bcd"}, "bcd"}, // é is 2 bytes; the cut keeps only its last
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tb := tailBuffer{max: 4}
			for _, w := range tt.writes {
				if n, err := tb.Write([]byte(w)); n != len(w) || err != nil {
					t.Fatalf("Write(%q) = %d, %v", w, n, err)
				}
			}
			if got := tb.String(); got != tt.want {
				t.Errorf("String() = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestTailBufferBound(t *testing.T) {
	tb := tailBuffer{max: stderrTail}
	for range 1000 {
		tb.Write([]byte(strings.Repeat("x", 100) + "\n"))
	}
	tb.Write([]byte("Error: last words"))
	if len(tb.buf) != stderrTail || !strings.HasSuffix(tb.String(), "Error: last words") {
		t.Errorf("kept %d bytes ending %q, want %d ending with the last write", len(tb.buf), tb.String()[len(tb.String())-20:], stderrTail)
	}
}
