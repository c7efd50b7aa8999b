package api

import (
	"bytes"
	"io"
	"os"
)

// feedFile is a built feed's bytes, also in an unlinked temporary file so
// that they can be sent with sendfile, as nginx does a static file,
// instead of copied to the socket. Every request reads the one descriptor
// through a section (its own offset: sendfile moves the shared one), so
// serving opens nothing; nothing is left on disk by a crash. The file is
// closed by the runtime once no built feed or request refers to it, so a
// request holding the feed never sees its descriptor reused.
type feedFile struct {
	data []byte
	f    *os.File // nil if the file could not be made: data is served
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
	ff.f = f
	return ff
}

// minSendfile is the smallest body worth sendfile: below it, one write
// of bytes in memory costs less than the splice sendfile goes through.
const minSendfile = 16 << 10

// content returns a reader of the bytes for one request: a section of
// the file when there is one and the body is not small.
func (ff *feedFile) content() io.ReadSeeker {
	if ff.f != nil && len(ff.data) >= minSendfile {
		return newSection(ff.f, int64(len(ff.data)))
	}
	return bytes.NewReader(ff.data)
}
