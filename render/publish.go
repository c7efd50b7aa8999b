package render

import (
	"context"
	"fmt"
	"time"
)

// publish is the last stage: the audio first, the manifest second, so a
// manifest never points to audio that is not completely stored.
func (pl *pipeline) publish(ctx context.Context, t task, m *Manifest, a *assembly, start time.Time) error {
	ts := time.Now()
	if err := pl.rec.st.Put(ctx, m.Audio, a.file); err != nil {
		return fmt.Errorf("store audio: %w", err)
	}
	m.Timings.Store = since(ts)
	m.RenderSeconds = since(start)
	if err := pl.rec.putManifest(ctx, m); err != nil {
		return err
	}
	return nil
}
