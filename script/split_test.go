package script

import (
	"os"
	"reflect"
	"strings"
	"testing"
)

// TestSplit runs the cases of testdata/split_cases.tsv: the input, then each
// expected sentence, separated by tabs.
func TestSplit(t *testing.T) {
	b, err := os.ReadFile("testdata/split_cases.tsv")
	if err != nil {
		t.Fatalf("read cases: %v", err)
	}
	n := 0
	for _, line := range strings.Split(string(b), "\n") {
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		fields := strings.Split(line, "\t")
		for i := range fields {
			fields[i] = unescapeCase(fields[i])
		}
		in, want := fields[0], fields[1:]
		n++
		t.Run(in, func(t *testing.T) {
			if got := Split(in); !reflect.DeepEqual(got, want) {
				t.Errorf("Split(%q)\n got %q\nwant %q", in, got, want)
			}
		})
	}
	if n < 60 {
		t.Errorf("only %d cases in testdata/split_cases.tsv, want at least 60", n)
	}
}

func TestSplitEmpty(t *testing.T) {
	for _, in := range []string{"", " ", "\n\n", "\u00a0\t"} {
		if got := Split(in); len(got) != 0 {
			t.Errorf("Split(%q) = %q, want no sentence", in, got)
		}
	}
}
