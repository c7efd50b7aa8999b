package render_test

import (
	"io"
	"log/slog"
	"testing"

	"ecouter/render"
	"ecouter/render/rendertest"
)

// TestLocalEvents: a lone node's events keep the promises of the
// cluster's (cluster.TestEvents runs the same contract).
func TestLocalEvents(t *testing.T) {
	rendertest.EventsContract(t, func(*testing.T) rendertest.Events {
		return render.NewLocalEvents(slog.New(slog.NewTextHandler(io.Discard, nil)))
	})
}
