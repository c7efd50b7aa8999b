package api

import (
	"context"
	"net"
	"net/http"
	"sync"
	"time"

	"github.com/labstack/echo/v4"

	"ecouter/article"
)

// cutSendBuffer bounds the kernel's send buffer of a connection sending
// audio. Left to autotuning it grows to megabytes: a whole MP3 would sit
// in it, out of reach of a cut. 128 KiB still carries 10 Mbit/s at 100 ms
// of round trip, 160 times an MP3's 64 kbit/s.
const cutSendBuffer = 128 << 10

// cutOnWithdrawal cuts off the answer being sent of an article withdrawn
// meanwhile, on this node or another (a live render's stream, a stored MP3
// however slowly the client reads it). The connection's write deadline is
// moved to the past, which ends a write or a sendfile waiting on a full
// socket at once, and it is set to reset on close, which drops what its
// send buffer still holds; done, deferred by the handler, then aborts the
// connection, so the client sees a broken download rather than a short
// MP3 that looks complete.
func (s *Server) cutOnWithdrawal(c echo.Context, id string) (done func()) {
	if article.ValidID(id) != nil {
		return func() {} // answered 400 before anything is sent
	}
	rc := http.NewResponseController(c.Response())
	tcp := tcpConn(c.Request().Context())
	if tcp != nil {
		_ = tcp.SetWriteBuffer(cutSendBuffer)
	}
	var (
		mu        sync.Mutex
		cut, over bool
	)
	stop := s.stored.OnWithdrawn(id, func() {
		mu.Lock()
		defer mu.Unlock()
		if over { // never the connection's next request
			return
		}
		cut = true
		if tcp != nil && c.Response().Committed {
			_ = tcp.SetLinger(0)
		}
		_ = rc.SetWriteDeadline(time.Unix(1, 0))
	})
	return func() {
		stop()
		mu.Lock()
		over = true
		wasCut := cut
		mu.Unlock()
		if !wasCut {
			return
		}
		if !c.Response().Committed {
			// Cut before the answer started: the handler's error (410)
			// goes out instead.
			_ = rc.SetWriteDeadline(time.Time{})
			return
		}
		s.log.Info("answer cut off: article withdrawn", "article_id", id)
		panic(http.ErrAbortHandler)
	}
}

type connKey struct{}

// ConnContext is http.Server.ConnContext for the service: it gives
// handlers their connection, so a withdrawal can cut an answer off
// (HTTPServer sets it).
func ConnContext(ctx context.Context, c net.Conn) context.Context {
	return context.WithValue(ctx, connKey{}, c)
}

// tcpConn is the request's TCP connection, or nil when the server was not
// given ConnContext (or it is not TCP).
func tcpConn(ctx context.Context) *net.TCPConn {
	c, _ := ctx.Value(connKey{}).(net.Conn)
	if jc, ok := c.(*jsonErrorsConn); ok {
		c = jc.Conn
	}
	tcp, _ := c.(*net.TCPConn)
	return tcp
}
