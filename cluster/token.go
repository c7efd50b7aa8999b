package cluster

import (
	"fmt"

	"ecouter/article"
)

// checkToken refuses what may not become one token of a subject or key
// built here. Article IDs and content keys are short runs of letters,
// digits, '-' and '_' (article.ValidID); anything else could change a
// subject's meaning (a '.', '*' or '>') or, past the server's control-line
// limit (4 KiB), make the server close the connection, which nats.go never
// reopens. The API validates first; this keeps the rule where subjects are
// made, whoever calls. The error wraps article.ErrInvalidID.
func checkToken(what, s string) error {
	if err := article.ValidID(s); err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	return nil
}
