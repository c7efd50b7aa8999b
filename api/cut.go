package api

import (
	"net/http"
	"sync"
	"time"

	"github.com/labstack/echo/v4"

	"ecouter/article"
)

// cutOnWithdrawal cuts off the answer being sent of an article withdrawn
// meanwhile, on this node or another (a live render's stream, a stored MP3
// however slowly the client reads it). The connection's write deadline is
// moved to the past, which ends a write or a sendfile waiting on a full
// socket at once; done, deferred by the handler, then aborts the
// connection, so the client sees a broken download rather than a short
// MP3 that looks complete.
func (s *Server) cutOnWithdrawal(c echo.Context, id string) (done func()) {
	if article.ValidID(id) != nil {
		return func() {} // answered 400 before anything is sent
	}
	rc := http.NewResponseController(c.Response())
	var (
		mu        sync.Mutex
		cut, over bool
	)
	stop := s.renders.OnWithdrawn(id, func() {
		mu.Lock()
		defer mu.Unlock()
		if !over { // never the deadline of the connection's next request
			cut = true
			_ = rc.SetWriteDeadline(time.Unix(1, 0))
		}
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
