package delivery

import (
	"bytes"
	"io"
	"os"
)

// Bytes are bytes served many times (a built feed), also in an unlinked temporary file so
// that they can be sent with sendfile, as nginx does a static file,
// instead of copied to the socket. Every request reads the one descriptor
// through a section (its own offset: sendfile moves the shared one), so
// serving opens nothing; nothing is left on disk by a crash. The file is
// closed by the runtime once no built feed or request refers to it, so a
// request holding the feed never sees its descriptor reused.
type Bytes struct {
	data []byte
	f    *os.File // nil if the file could not be made: data is served
}

// NewBytes keeps data for serving, in a file if one can be made.
func NewBytes(data []byte) *Bytes {
	ff := &Bytes{data: data}
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
	ff.f = f
	return ff
}

// minSendfile is the smallest body worth sendfile: below it, one write
// of bytes in memory costs less than the splice sendfile goes through.
const minSendfile = 16 << 10

// Content returns a reader of the bytes for one request: a section of
// the file when there is one and the body is not small.
func (ff *Bytes) Content() io.ReadSeeker {
	if ff.f != nil && len(ff.data) >= minSendfile {
		return NewSection(ff.f, int64(len(ff.data)))
	}
	return bytes.NewReader(ff.data)
}
