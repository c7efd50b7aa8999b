package render

import (
	"context"
	"errors"
	"fmt"
	"io"
	"sync"
	"time"
)

// ErrNoLiveStream ends a Stream whose render goes on without it: the
// render was taken over from a node that died (its live MP3 is gone), or
// it runs on another node whose stream cannot be relayed here. The render
// is not failed: its listeners wait for the stored file.
var ErrNoLiveStream = errors.New("no live stream of this render: wait for the stored file")

// errSpoolGone means the render's frames were released: the stored file
// is the place to read them from now. It is an ErrNoLiveStream, so that a
// listener handed the stream after its grace period (a takeover that took
// longer than that on a busy machine) waits for the stored file rather
// than getting a 500.
var errSpoolGone = fmt.Errorf("render stream closed: %w", ErrNoLiveStream)

// streamGrace keeps a finished render's frames readable for a listener
// who was handed the stream just as the render ended.
var streamGrace = 30 * time.Second

// Stream is the MP3 of a render in progress, growing as sentences are
// encoded: a small ID3 tag, then the frames, read from the render's spool
// on disk. Every listener reads it from the start; it ends when the render
// is stored (io.EOF) or has failed (the render's error).
type Stream struct {
	mu      sync.Mutex
	head    []byte // the stream's ID3 tag
	sp      *spool // nil until the first frame
	size    int64  // frames readable
	done    bool
	err     error
	changed chan struct{} // closed and replaced on every change
}

func newStream() *Stream { return &Stream{changed: make(chan struct{})} }

// attach gives the stream its tag and the spool its frames are written
// to, from the first frame on.
func (s *Stream) attach(head []byte, sp *spool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.sp == nil && sp.acquire() {
		s.head, s.sp = head, sp
	}
}

// wrote makes the spool's frames up to n bytes readable.
func (s *Stream) wrote(n int64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.sp == nil || n <= s.size {
		return
	}
	s.size = n
	s.notifyLocked()
}

func (s *Stream) finish(err error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.done {
		return
	}
	s.done, s.err = true, err
	s.notifyLocked()
	if sp := s.sp; sp != nil {
		time.AfterFunc(streamGrace, sp.release)
	}
}

func (s *Stream) notifyLocked() {
	close(s.changed)
	s.changed = make(chan struct{})
}

// Relay fills the stream with an MP3 read from r from its first byte: the
// live stream of a render running on another node. If r fails before
// io.EOF, the stream ends with its error; otherwise it ends with its job.
// For Scheduler implementations: called at most once, on a stream no
// render writes to.
func (s *Stream) Relay(r io.Reader) {
	sp, err := newSpool()
	if err != nil {
		s.finish(err)
		return
	}
	defer sp.release()
	s.attach(nil, sp)
	buf := make([]byte, 32<<10)
	for {
		n, err := r.Read(buf)
		if n > 0 {
			if _, werr := sp.Write(buf[:n]); werr != nil {
				s.finish(werr)
				return
			}
			s.wrote(sp.written())
		}
		if errors.Is(err, io.EOF) {
			return
		}
		if err != nil {
			s.finish(err)
			return
		}
	}
}

// Reader returns a reader of the whole stream from its first byte. Reads
// block until more audio is encoded, the render ends, or ctx is done.
func (s *Stream) Reader(ctx context.Context) io.Reader {
	r := &streamReader{s: s, ctx: ctx}
	context.AfterFunc(ctx, r.release)
	return r
}

type streamReader struct {
	s        *Stream
	ctx      context.Context
	off      int64
	mu       sync.Mutex
	sp       *spool // held while reading
	released bool   // done: the spool is not held again
}

func (r *streamReader) Read(p []byte) (int, error) {
	n, err := r.read(p)
	if err != nil {
		r.release()
	}
	return n, err
}

func (r *streamReader) read(p []byte) (int, error) {
	for {
		s := r.s
		s.mu.Lock()
		head, sp, size, done, err, ch := s.head, s.sp, s.size, s.done, s.err, s.changed
		s.mu.Unlock()
		end := int64(len(head)) + size
		// Held from the first byte read, so the frames are there for
		// whoever has started.
		if sp != nil && !r.hold(sp) {
			if done && err != nil {
				return 0, err // the render's own end, as a reader from the start would get it
			}
			return 0, errSpoolGone
		}
		switch {
		case done && errors.Is(err, ErrWithdrawn):
			// Cut at once: what was encoded before the withdrawal is not
			// for anyone any more.
			return 0, err
		case size > 0 && r.off < int64(len(head)):
			n := copy(p, head[r.off:])
			r.off += int64(n)
			return n, nil
		case r.off < end:
			n, err := sp.ReadAt(p[:min(int64(len(p)), end-r.off)], r.off-int64(len(head)))
			r.off += int64(n)
			if n > 0 || err == nil {
				return n, nil
			}
			return 0, err
		case done && err != nil:
			return 0, err
		case done:
			return 0, io.EOF
		}
		select {
		case <-ch:
		case <-r.ctx.Done():
			return 0, r.ctx.Err()
		}
	}
}

// hold takes the reader's hold on the spool the first time.
func (r *streamReader) hold(sp *spool) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.released {
		return false
	}
	if r.sp == nil {
		if !sp.acquire() {
			return false
		}
		r.sp = sp
	}
	return true
}

func (r *streamReader) release() {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.sp != nil {
		r.sp.release()
	}
	r.sp, r.released = nil, true
}
