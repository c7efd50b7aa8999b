package segment

import (
	"context"
	"fmt"
	"io"

	"ecouter/audio"
)

// Opener opens the previous render's stored MP3.
type Opener func(ctx context.Context) (io.ReadSeekCloser, error)

// oldAudio is the previous render's MP3, opened at the first reused run.
type oldAudio struct {
	open Opener
	head int64
	// rate and ceiling are what checkFrames needs: the input rate and the
	// render's true-peak ceiling.
	rate    int
	ceiling float64
	b       io.ReadSeekCloser
	// pos is where b is; last is the run read before, ending there. Runs
	// are read in order and each starts a few frames before the last
	// ended (its reservoir), which last holds: no seek, so one request to
	// S3 serves them all.
	pos  int64
	last []byte
}

// maxRunBytes bounds what a (damaged) index can make a render read.
const maxRunBytes = 16 << 20

// load reads the frames of a run (with those before it that hold its
// reservoir bytes).
func (o *oldAudio) load(ctx context.Context, rec *Run) (audio.SegmentMP3, error) {
	n := rec.End - rec.From
	if rec.From < 0 || n <= 0 || n > maxRunBytes || rec.Lead < 0 || rec.Frames <= 0 {
		return audio.SegmentMP3{}, fmt.Errorf("reuse run: bad record")
	}
	if o.b == nil {
		b, err := o.open(ctx)
		if err != nil {
			return audio.SegmentMP3{}, fmt.Errorf("reuse run: %w", err)
		}
		o.b = b
	}
	from, buf := o.head+rec.From, make([]byte, n)
	have := 0
	if lo := o.pos - int64(len(o.last)); from >= lo && from <= o.pos && o.pos < from+n {
		have = copy(buf, o.last[from-lo:])
	} else if _, err := o.b.Seek(from, io.SeekStart); err != nil {
		return audio.SegmentMP3{}, fmt.Errorf("reuse run: %w", err)
	}
	if _, err := io.ReadFull(o.b, buf[have:]); err != nil {
		o.pos, o.last = -1, nil // where b is is unknown: seek next time
		return audio.SegmentMP3{}, fmt.Errorf("reuse run: %w", err)
	}
	o.pos, o.last = from+n, buf
	seg := audio.SegmentMP3{Frames: buf, Lead: rec.Lead, Keep: rec.Frames}
	if err := checkFrames(seg, rec, o.rate, o.ceiling); err != nil {
		return audio.SegmentMP3{}, err
	}
	return seg, nil
}

func (o *oldAudio) close() {
	if o.b != nil {
		o.b.Close()
	}
}
