package delivery

import (
	"errors"
	"io"
	"os"
	"syscall"
)

// Section reads a file that many requests share, at an offset of its own
// (pread), so one open descriptor serves them all at once: Go's sendfile
// sends from the descriptor's shared offset and moves it, which is why
// each request used to open the file again. ReadFrom sends a section
// with sendfile at the section's offset, which leaves the shared one
// alone; anything else reads it with ReadAt.
type Section struct {
	f    *os.File
	size int64
	off  int64
}

// NewSection reads the first size bytes of f, from its start.
func NewSection(f *os.File, size int64) *Section { return &Section{f: f, size: size} }

func (s *Section) Read(p []byte) (int, error) {
	if s.off >= s.size {
		return 0, io.EOF
	}
	p = p[:min(int64(len(p)), s.size-s.off)]
	n, err := s.f.ReadAt(p, s.off)
	s.off += int64(n)
	if err == io.EOF && n > 0 {
		err = nil
	}
	return n, err
}

func (s *Section) Seek(offset int64, whence int) (int64, error) {
	switch whence {
	case io.SeekStart:
	case io.SeekCurrent:
		offset += s.off
	case io.SeekEnd:
		offset += s.size
	default:
		return 0, errors.New("section: invalid whence")
	}
	if offset < 0 {
		return 0, errors.New("section: negative position")
	}
	s.off = offset
	return offset, nil
}

// errShortFile: the file ended before the length it was served with.
var errShortFile = errors.New("file shorter than its served length")

// sendSection sends n bytes of s from its offset to conn with sendfile
// and an explicit offset. handled is false when conn or the file cannot
// do that (nothing was sent): the caller copies instead.
func sendSection(conn syscall.Conn, s *Section, n int64) (written int64, err error, handled bool) {
	dst, err := conn.SyscallConn()
	if err != nil {
		return 0, nil, false
	}
	src, err := s.f.SyscallConn()
	if err != nil {
		return 0, nil, false
	}
	n = min(n, s.size-s.off)
	var serr error
	// src.Control keeps the file open while its descriptor is used, and
	// only that: the file's read lock (RawConn.Read) would let one
	// request at a time send from it, the others waiting while its
	// listener's socket is full. dst.Write holds the connection's write
	// lock and waits while the socket is full.
	rerr := src.Control(func(sfd uintptr) {
		werr := dst.Write(func(dfd uintptr) bool {
			for written < n {
				off := s.off
				m, e := syscall.Sendfile(int(dfd), int(sfd), &off, int(min(n-written, 1<<30)))
				if m > 0 {
					written += int64(m)
					s.off += int64(m)
				}
				switch {
				case e == syscall.EAGAIN:
					return false // wait until the socket takes more
				case e == syscall.EINTR:
				case e != nil:
					serr = e
					return true
				case m == 0:
					serr = errShortFile
					return true
				}
			}
			return true
		})
		if serr == nil {
			serr = werr
		}
	})
	if serr == nil {
		serr = rerr
	}
	if written == 0 && (errors.Is(serr, syscall.EINVAL) || errors.Is(serr, syscall.ENOSYS)) {
		return 0, nil, false // no sendfile for this pair: nothing sent yet
	}
	return written, serr, true
}
