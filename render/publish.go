package render

import (
	"context"
	"fmt"
	"time"

	"ecouter/render/segment"
)

// publish is the last stage: the audio first, the manifest second, so a
// manifest never points to audio that is not completely stored.
//
// The segment index goes between them: a manifest names only audio whose
// index (if any) is stored. Without one the next render encodes every
// segment, so a failure to store it costs time, not the render.
func (pl *pipeline) publish(ctx context.Context, t task, m *Manifest, a *assembly, idx *segment.Index, start time.Time) error {
	ts := time.Now()
	if t.allowed != nil {
		if err := t.allowed(ctx); err != nil {
			return err
		}
	}
	if err := pl.rec.st.Put(ctx, m.Audio, a.file); err != nil {
		return fmt.Errorf("store audio: %w", err)
	}
	if idx != nil {
		if err := pl.rec.putSegmentIndex(ctx, m.Audio, idx); err != nil {
			pl.log.Warn("store segment index", "article_id", t.id, "err", err)
		}
	}
	m.Timings.Store = since(ts)
	m.RenderSeconds = since(start)
	if err := pl.rec.putManifest(ctx, m); err != nil {
		return err
	}
	return nil
}
