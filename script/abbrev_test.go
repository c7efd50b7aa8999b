package script

import (
	"strings"
	"testing"
)

// TestAbbreviationLists catches entries that could never match: the lookups
// lower-case the word for nonBreaking and beforeNumber, and compare titles
// as written.
func TestAbbreviationLists(t *testing.T) {
	for name, set := range map[string]map[string]bool{"nonBreaking": nonBreaking, "beforeNumber": beforeNumber} {
		for k := range set {
			if k != strings.ToLower(k) || strings.HasSuffix(k, ".") {
				t.Errorf("%s entry %q must be lower-case, without its final dot", name, k)
			}
		}
	}
	for k := range beforeNumber {
		if nonBreaking[k] {
			t.Errorf("%q is in both nonBreaking and beforeNumber", k)
		}
	}
	for k := range titles {
		if k == strings.ToLower(k) {
			t.Errorf("title %q must be capitalised", k)
		}
	}
}

func TestIsInitials(t *testing.T) {
	tests := []struct {
		tok  string
		want bool
	}{
		{"J.-L", true}, {"S.A", true}, {"O.N.U", true}, {"c.-à-d", true}, {"É.-U", true},
		{"J", false}, {"Jean-Luc", false}, {"p.ex", false}, {"3.5", false}, {"a-b", false}, {"lemonde.fr", false},
	}
	for _, tt := range tests {
		t.Run(tt.tok, func(t *testing.T) {
			if got := isInitials(tt.tok); got != tt.want {
				t.Errorf("isInitials(%q) = %v, want %v", tt.tok, got, tt.want)
			}
		})
	}
}
