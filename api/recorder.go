package api

import (
	"io"
	"net/http"
	"strconv"

	"github.com/labstack/echo/v4"
)

// recorder writes straight to the net/http ResponseWriter (keeping its
// ReadFrom, hence sendfile) while telling Echo's Response what was sent.
// The errors http.ServeContent writes itself (416, 412, 500 in plain
// text) are replaced by the JSON every other error has.
type recorder struct {
	http.ResponseWriter
	res  *echo.Response
	head bool  // a HEAD request: no body, even for an error
	drop bool  // an error body was written; ServeContent's text is dropped
	size int64 // the whole content's length; negative: unknown
}

func (r *recorder) WriteHeader(code int) {
	r.res.Status = code
	r.res.Committed = true
	if code == http.StatusOK && r.size >= 0 && r.Header().Get(echo.HeaderContentLength) == "" {
		// ServeContent leaves the length out when Content-Encoding is set
		// (for writers that compress on the fly): the gzipped feed, sent
		// whole, would go chunked, without sendfile.
		r.Header().Set(echo.HeaderContentLength, strconv.FormatInt(r.size, 10))
	}
	if code < 400 {
		r.ResponseWriter.WriteHeader(code)
		return
	}
	body := errorJSON(code)
	h := r.Header()
	h.Set(echo.HeaderContentType, echo.MIMEApplicationJSON)
	h.Set(echo.HeaderContentLength, strconv.Itoa(len(body)))
	r.ResponseWriter.WriteHeader(code)
	r.drop = true
	if !r.head {
		n, _ := r.ResponseWriter.Write(body)
		r.res.Size += int64(n)
	}
}

func (r *recorder) Write(p []byte) (int, error) {
	if r.drop {
		return len(p), nil
	}
	r.res.Committed = true
	n, err := r.ResponseWriter.Write(p)
	r.res.Size += int64(n)
	return n, err
}

func (r *recorder) ReadFrom(src io.Reader) (int64, error) {
	if r.drop {
		return io.Copy(io.Discard, src)
	}
	r.res.Committed = true
	var n int64
	var err error
	if rf, ok := r.ResponseWriter.(io.ReaderFrom); ok {
		n, err = rf.ReadFrom(src)
	} else {
		n, err = io.Copy(r.ResponseWriter, src)
	}
	r.res.Size += n
	return n, err
}

func (r *recorder) Unwrap() http.ResponseWriter { return r.ResponseWriter }
