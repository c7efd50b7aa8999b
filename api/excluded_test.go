package api

import (
	"errors"
	"fmt"
	"net/http"
	"testing"

	"ecouter/article"
	"ecouter/render"
)

// A post the site excludes from audio is a 404 with its own code, also when
// its stored audio was withdrawn for it (the withdrawal names the cause).
func TestProblemExcluded(t *testing.T) {
	excluded := fmt.Errorf("wordpress post 42: %w", article.ErrExcluded)
	for _, c := range []struct {
		err    error
		status int
		code   string
	}{
		{fmt.Errorf("fetch article 42: %w", excluded), http.StatusNotFound, "excluded"},
		{fmt.Errorf("42: %w (%w)", render.ErrWithdrawn, excluded), http.StatusNotFound, "excluded"},
		{fmt.Errorf("42: %w", render.ErrWithdrawn), http.StatusGone, "withdrawn"},
		{fmt.Errorf("fetch article 42: %w", article.ErrNotPublic), http.StatusNotFound, "not_found"},
	} {
		if p := problemOf(c.err); p.status != c.status || p.code != c.code {
			t.Errorf("%v: %d %s, want %d %s", c.err, p.status, p.code, c.status, c.code)
		}
	}
	if !errors.Is(article.ErrExcluded, article.ErrNotFound) {
		t.Error("ErrExcluded must be ErrNotFound: stored audio of an excluded article is withdrawn")
	}
}
