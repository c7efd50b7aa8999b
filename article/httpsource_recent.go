package article

import (
	"context"
	"errors"
	"fmt"
)

// Recent is not possible: a URL template names one article, not a list.
func (h *HTTP) Recent(context.Context, int, string) ([]string, error) {
	return nil, fmt.Errorf("http source: list recent articles: %w", errors.ErrUnsupported)
}
