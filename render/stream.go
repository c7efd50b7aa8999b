package render

import (
	"context"
	"io"
	"sync"
)

// Stream is the MP3 of a render in progress, growing as sentences are
// encoded. Every listener reads it from the start; it ends when the render
// is stored (io.EOF) or has failed (the render's error).
type Stream struct {
	mu      sync.Mutex
	buf     []byte
	done    bool
	err     error
	changed chan struct{} // closed and replaced on every change
}

func newStream() *Stream { return &Stream{changed: make(chan struct{})} }

func (s *Stream) write(p []byte) {
	if len(p) == 0 {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.buf = append(s.buf, p...)
	close(s.changed)
	s.changed = make(chan struct{})
}

func (s *Stream) finish(err error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.done {
		return
	}
	s.done, s.err = true, err
	close(s.changed)
}

// Reader returns a reader of the whole stream from its first byte. Reads
// block until more audio is encoded, the render ends, or ctx is done.
func (s *Stream) Reader(ctx context.Context) io.Reader {
	return &streamReader{s: s, ctx: ctx}
}

type streamReader struct {
	s   *Stream
	ctx context.Context
	off int
}

func (r *streamReader) Read(p []byte) (int, error) {
	for {
		r.s.mu.Lock()
		if r.off < len(r.s.buf) {
			n := copy(p, r.s.buf[r.off:])
			r.off += n
			r.s.mu.Unlock()
			return n, nil
		}
		if r.s.done {
			err := r.s.err
			r.s.mu.Unlock()
			if err != nil {
				return 0, err
			}
			return 0, io.EOF
		}
		ch := r.s.changed
		r.s.mu.Unlock()
		select {
		case <-ch:
		case <-r.ctx.Done():
			return 0, r.ctx.Err()
		}
	}
}
