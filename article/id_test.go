package article

import (
	"errors"
	"strings"
	"testing"
)

func TestValidID(t *testing.T) {
	tests := []struct {
		name string
		id   string
		ok   bool
	}{
		{"slug", "tramway-nantes", true},
		{"numeric", "12345", true},
		{"underscore and case", "Budget_2025-v2", true},
		{"one char", "a", true},
		{"100 chars", strings.Repeat("a", 100), true},
		{"empty", "", false},
		{"101 chars", strings.Repeat("a", 101), false},
		{"parent dir", "../etc", false},
		{"dot only", ".", false},
		{"slash", "a/b", false},
		{"backslash", `a\b`, false},
		{"percent encoded dot", "%2e", false},
		{"space", "a b", false},
		{"query", "a?b=c", false},
		{"fragment", "a#b", false},
		{"extension", "a.json", false},
		{"unicode letter", "été", false},
		{"unicode digit", "١٢٣", false},
		{"nul byte", "a\x00b", false},
		{"newline", "a\n", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := ValidID(tt.id)
			if tt.ok {
				if err != nil {
					t.Fatalf("ValidID(%q) = %v, want nil", tt.id, err)
				}
				return
			}
			if !errors.Is(err, ErrInvalidID) {
				t.Fatalf("ValidID(%q) = %v, want ErrInvalidID", tt.id, err)
			}
		})
	}
}

func TestValidIDMessageOmitsLongID(t *testing.T) {
	long := strings.Repeat("x", 5000)
	err := ValidID(long)
	if err == nil || strings.Contains(err.Error(), long[:200]) {
		t.Fatalf("error should not echo a huge id, got %.120q", err)
	}
	if !strings.Contains(err.Error(), "5000 characters") {
		t.Errorf("error %q should say how long the id is", err)
	}
}
