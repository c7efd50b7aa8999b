package api

import (
	"io"
	"net/http"

	"github.com/labstack/echo/v4"
)

// recorder writes straight to the net/http ResponseWriter (keeping its
// ReadFrom, hence sendfile) while telling Echo's Response what was sent.
type recorder struct {
	http.ResponseWriter
	res *echo.Response
}

func (r *recorder) WriteHeader(code int) {
	r.res.Status = code
	r.res.Committed = true
	r.ResponseWriter.WriteHeader(code)
}

func (r *recorder) Write(p []byte) (int, error) {
	r.res.Committed = true
	n, err := r.ResponseWriter.Write(p)
	r.res.Size += int64(n)
	return n, err
}

func (r *recorder) ReadFrom(src io.Reader) (int64, error) {
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
