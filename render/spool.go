package render

import (
	"fmt"
	"os"
	"sync"
)

// spool is a render's MP3 frames on disk, written by the encoder as it
// goes and read by the stream's listeners and the upload of the stored
// file, so the article's MP3 is never held in memory. The file is unlinked
// as soon as it is created (nothing is left behind by a crash) and closed
// when the last of its users lets go.
type spool struct {
	f *os.File

	mu   sync.Mutex
	refs int
	size int64
}

// newSpool creates a spool held once by the caller.
func newSpool() (*spool, error) {
	f, err := os.CreateTemp("", "ecouter-render-*.mp3")
	if err != nil {
		return nil, fmt.Errorf("create temporary MP3: %w", err)
	}
	if err := os.Remove(f.Name()); err != nil {
		f.Close()
		return nil, fmt.Errorf("create temporary MP3: %w", err)
	}
	return &spool{f: f, refs: 1}, nil
}

// Write appends frames.
func (s *spool) Write(p []byte) (int, error) {
	n, err := s.f.Write(p)
	s.mu.Lock()
	s.size += int64(n)
	s.mu.Unlock()
	if err != nil {
		return n, fmt.Errorf("write temporary MP3: %w", err)
	}
	return n, nil
}

// ReadAt reads frames already written.
func (s *spool) ReadAt(p []byte, off int64) (int, error) { return s.f.ReadAt(p, off) }

func (s *spool) written() int64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.size
}

// acquire takes a hold on the file; false if it is already closed.
func (s *spool) acquire() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.refs == 0 {
		return false
	}
	s.refs++
	return true
}

// release lets go of a hold; the last one closes the file.
func (s *spool) release() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.refs == 0 {
		return
	}
	if s.refs--; s.refs == 0 {
		s.f.Close()
	}
}

// closed reports whether the last hold was let go.
func (s *spool) closed() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.refs == 0
}
