package api

import (
	"bytes"
	"io"
	"net"
	"net/http"
	"strconv"

	"ecouter/delivery"
)

// rawErrorHeaders is how net/http starts the headers of the errors it
// writes itself, before any handler runs (a malformed request line, a bad
// %-escape in the path, headers too large): plain text, straight to the
// connection. A response from a handler never has Content-Type right after
// the status line (headers are sorted, and Connection and Date come
// first), so the pattern names those errors only.
var rawErrorHeaders = []byte("\r\nContent-Type: text/plain; charset=utf-8\r\nConnection: close\r\n\r\n")

// Listener wraps ln so that the errors net/http answers on its own are
// JSON like every other error of the service.
func Listener(ln net.Listener) net.Listener { return jsonErrorsListener{ln} }

type jsonErrorsListener struct{ net.Listener }

func (l jsonErrorsListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	return &jsonErrorsConn{Conn: c}, nil
}

// jsonErrorsConn rewrites net/http's own plain-text errors. It keeps the
// connection's ReadFrom (sendfile) and CloseWrite.
type jsonErrorsConn struct{ net.Conn }

func (c *jsonErrorsConn) Write(p []byte) (int, error) {
	if out, ok := rewriteRawError(p); ok {
		if _, err := c.Conn.Write(out); err != nil {
			return 0, err
		}
		return len(p), nil
	}
	return c.Conn.Write(p)
}

// rewriteRawError turns "HTTP/1.1 400 Bad Request" + rawErrorHeaders +
// text into the same status with a JSON body.
func rewriteRawError(p []byte) ([]byte, bool) {
	rest, ok := bytes.CutPrefix(p, []byte("HTTP/1.1 "))
	if !ok || len(rest) < 3 || (rest[0] != '4' && rest[0] != '5') {
		return nil, false
	}
	statusLine, _, ok := bytes.Cut(rest, rawErrorHeaders)
	if !ok || bytes.ContainsAny(statusLine, "\r\n") {
		return nil, false
	}
	code, err := strconv.Atoi(string(statusLine[:3]))
	if err != nil {
		return nil, false
	}
	body := errorJSON(code)
	var b bytes.Buffer
	b.WriteString("HTTP/1.1 " + strconv.Itoa(code) + " " + http.StatusText(code) + "\r\n")
	b.WriteString("Content-Type: application/json\r\nContent-Length: " + strconv.Itoa(len(body)) + "\r\n")
	b.WriteString("X-Content-Type-Options: nosniff\r\nConnection: close\r\n\r\n")
	b.Write(body)
	return b.Bytes(), true
}

// ReadFrom sends a delivery section with sendfile at its own offset.
func (c *jsonErrorsConn) ReadFrom(r io.Reader) (int64, error) { return delivery.ReadFrom(c.Conn, r) }

func (c *jsonErrorsConn) CloseWrite() error {
	if cw, ok := c.Conn.(interface{ CloseWrite() error }); ok {
		return cw.CloseWrite()
	}
	return nil
}
