package segment

import (
	"errors"
	"time"

	"ecouter/audio"
)

type segmentResult struct {
	seg audio.SegmentMP3
	in  audio.Segment // to encode again without the reservoir
	err error
	// A reused run's frames are read by load when the joiner gets to them;
	// redo encodes the run again from its sentences if they cannot be
	// read or joined.
	load, redo func() (audio.SegmentMP3, error)
	mark       *Run // a run starts with this segment
}

// join appends the segments in order and writes the frames to the output.
func (e *Encoder) join(results <-chan chan segmentResult) {
	defer close(e.joined)
	first := true
	for res := range results {
		r := <-res
		if e.err != nil {
			continue // drain
		}
		if e.err = e.loaded(&r); e.err != nil {
			continue
		}
		if r.mark != nil {
			m := e.joiner.Mark()
			r.mark.mark = &m
		}
		if first {
			e.first, first = r.seg, false
			e.joiner.Placeholder(r.seg.Placeholder)
			if e.err = e.emit(r.seg.Placeholder); e.err != nil {
				continue
			}
		}
		b, err := e.append(&r)
		if err == nil {
			err = e.emit(b)
		}
		e.err = err
	}
	if e.err == nil {
		e.err = e.emit(e.joiner.Flush())
	}
}

// loaded reads a reused run's frames (r.load), or encodes the run again
// if they cannot be read; it returns the result's error.
func (e *Encoder) loaded(r *segmentResult) error {
	if r.load != nil {
		t := time.Now()
		if r.seg, r.err = r.load(); r.err != nil {
			r.seg, r.err = r.redo()
		}
		e.spent(t)
	}
	return r.err
}

// append joins r's frames to the stream, encoding them again when they
// do not join.
func (e *Encoder) append(r *segmentResult) ([]byte, error) {
	b, err := e.joiner.Append(r.seg)
	if err != nil && r.redo != nil {
		// Frames read from the previous MP3 that do not join (or do not
		// parse): the run is encoded again, without the reservoir, which
		// always joins.
		t := time.Now()
		r.seg, err = r.redo()
		e.spent(t)
		if err == nil {
			b, err = e.joiner.Append(r.seg)
		}
	} else if errors.Is(err, audio.ErrJoin) {
		// Without the reservoir a segment's frames need nothing before
		// them, so they always follow.
		t := time.Now()
		r.in.NoReservoir = true
		r.seg, err = audio.EncodeSegment(r.in, e.opt)
		e.spent(t)
		if err == nil {
			b, err = e.joiner.Append(r.seg)
		}
	}
	return b, err
}

func (e *Encoder) emit(b []byte) error {
	if len(b) == 0 {
		return nil
	}
	n, err := e.out.Write(b)
	e.written += int64(n)
	if err != nil {
		return err
	}
	if e.wrote != nil {
		// Nothing reaches listeners before the first audio frame, so a
		// render that fails at once still gets a proper error response.
		e.wrote(e.header)
	}
	return nil
}
