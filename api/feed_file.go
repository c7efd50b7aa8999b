package api

import (
	"bytes"
	"fmt"
	"io"
	"os"
)

// feedFile is a built feed's bytes, also in an unlinked temporary file so
// that http.ServeContent can send them with sendfile, as nginx does a
// static file, instead of copying them to the socket. Each request opens
// the file again through /proc/self/fd: a descriptor of its own, with its
// own offset (sendfile moves it), and nothing left on disk by a crash.
// The file is closed by the runtime once no built feed refers to it, so
// a request holding the feed never sees its descriptor reused.
type feedFile struct {
	data []byte
	f    *os.File // nil if the file could not be made: data is served
	path string
}

func newFeedFile(data []byte) *feedFile {
	ff := &feedFile{data: data}
	f, err := os.CreateTemp("", "ecouter-feed-*.xml")
	if err != nil {
		return ff
	}
	if err := os.Remove(f.Name()); err != nil {
		f.Close()
		return ff
	}
	if _, err := f.Write(data); err != nil {
		f.Close()
		return ff
	}
	ff.f, ff.path = f, fmt.Sprintf("/proc/self/fd/%d", f.Fd())
	return ff
}

// open returns the bytes to serve, to close after; an *os.File when it can.
func (ff *feedFile) open() io.ReadSeekCloser {
	if ff.f != nil {
		if f, err := os.Open(ff.path); err == nil {
			if st, err := f.Stat(); err == nil && st.Size() == int64(len(ff.data)) {
				return f
			}
			f.Close()
		}
	}
	return nopSeekCloser{bytes.NewReader(ff.data)}
}

type nopSeekCloser struct{ io.ReadSeeker }

func (nopSeekCloser) Close() error { return nil }
