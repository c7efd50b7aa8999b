package render_test

import (
	"io"
	"log/slog"
	"testing"

	"ecouter/render"
	"ecouter/render/rendertest"
)

func TestLocalScheduler(t *testing.T) {
	rendertest.SchedulerContract(t, func(t *testing.T, maxRenders int) render.Scheduler {
		return render.NewLocal(maxRenders, slog.New(slog.NewTextHandler(io.Discard, nil)))
	})
}
