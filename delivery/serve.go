// Package delivery sends stored bytes to HTTP clients as cheaply as the
// kernel allows: files kept open across requests, sections of one
// descriptor read at offsets of their own, sendfile, and byte ranges that
// are never amplified. It knows net/http, not the web framework on top.
package delivery

import (
	"io"
	"net/http"
	"os"
	"time"
)

// OSFiler is a blob backed by a local file.
type OSFiler interface{ OSFile() *os.File }

// Content is one body to serve: its reader (a local blob's *os.File
// itself, so Go can use sendfile) and its length.
type Content struct {
	R    io.ReadSeeker
	Size int64 // negative: unknown (http.ServeContent fails on the same seek and says so)
}

// Measure finds body's length and rewinds it.
func Measure(body io.ReadSeeker) Content {
	c := Content{R: body}
	if f, ok := body.(OSFiler); ok {
		c.R = f.OSFile()
	}
	size, err := c.R.Seek(0, io.SeekEnd)
	if err == nil {
		_, err = c.R.Seek(0, io.SeekStart)
	}
	if err != nil {
		size = -1
	}
	c.Size = size
	return c
}

// Serve answers r with the content through http.ServeContent (ranges,
// HEAD, conditional requests), after making its Range safe to answer.
func (c Content) Serve(w http.ResponseWriter, r *http.Request, mod time.Time) {
	sanitizeRange(r, c.Size)
	http.ServeContent(w, r, "", mod, c.R)
}
