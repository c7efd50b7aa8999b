package script

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// corpusPath returns the path of a shared corpus file, found from the module
// root (the directory holding go.mod) as ../shared/corpora/name.
//
// The corpora are not part of the repository, so a fresh clone has none: there
// the test says so and is skipped, and the rest of the suite still runs. Under
// CI (the CI variable set, as .ci/run does) a missing corpus fails the test: a
// score that silently measures nothing in CI is worse than a red test.
func corpusPath(tb testing.TB, name string) string {
	tb.Helper()
	dir, err := os.Getwd()
	if err != nil {
		tb.Fatalf("getwd: %v", err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			break
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			tb.Fatalf("no go.mod above the test directory: cannot find ../shared/corpora")
		}
		dir = parent
	}
	p := filepath.Join(dir, "..", "shared", "corpora", name)
	if _, err := os.Stat(p); err != nil {
		msg := fmt.Sprintf("corpus %s is missing (expected at %s, from the module root ../shared/corpora): %v", name, p, err)
		if os.Getenv("CI") != "" {
			tb.Fatal(msg + "; CI is set, so the corpora must be present")
		}
		tb.Skip(msg + "; skipped outside CI")
	}
	return p
}

// readLines returns the non-blank lines of a corpus file.
func readLines(tb testing.TB, name string) []string {
	tb.Helper()
	b, err := os.ReadFile(corpusPath(tb, name))
	if err != nil {
		tb.Fatalf("read corpus: %v", err)
	}
	var lines []string
	for _, l := range strings.Split(string(b), "\n") {
		if strings.TrimSpace(l) != "" {
			lines = append(lines, l)
		}
	}
	return lines
}
