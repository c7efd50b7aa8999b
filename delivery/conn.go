package delivery

import (
	"io"
	"net"
	"syscall"
)

// ReadFrom copies r to conn as a net.Conn's ReadFrom would, except that a
// Section, which http.ServeContent hands over in an io.LimitedReader, is
// sent with sendfile at its own offset: the kernel's own path would send
// from the descriptor's shared offset, which other requests move. A
// connection wrapper calls it from its ReadFrom.
func ReadFrom(conn net.Conn, r io.Reader) (int64, error) {
	if lr, ok := r.(*io.LimitedReader); ok {
		if s, ok := lr.R.(*Section); ok {
			if sc, ok := conn.(syscall.Conn); ok {
				n, err, handled := sendSection(sc, s, lr.N)
				lr.N -= n
				if handled {
					return n, err
				}
			}
		}
	}
	if rf, ok := conn.(io.ReaderFrom); ok {
		return rf.ReadFrom(r)
	}
	return io.Copy(conn, r)
}
