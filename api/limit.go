package api

import (
	"net"
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// maxClients bounds the limiter's memory; clients whose budget is full
// again (idle for a minute) are forgotten first.
const maxClients = 100_000

// listenLimit budgets, per client, the renders that listeners' requests
// start: each client may start perMinute of them in a burst, then one every
// minute/perMinute. Renders cost engine time and, with a paid engine,
// money; cached audio costs neither and is never counted.
type listenLimit struct {
	every rate.Limit
	burst int

	mu      sync.Mutex
	clients map[string]*rate.Limiter
}

// newListenLimit returns nil (no limit) for perMinute <= 0.
func newListenLimit(perMinute int) *listenLimit {
	if perMinute <= 0 {
		return nil
	}
	return &listenLimit{
		every:   rate.Every(time.Minute / time.Duration(perMinute)),
		burst:   perMinute,
		clients: map[string]*rate.Limiter{},
	}
}

// reserve takes one render from client's budget at now; the reservation
// says how long to wait when the budget is spent, and is cancelled when the
// request turns out not to start a render.
func (l *listenLimit) reserve(client string, now time.Time) *rate.Reservation {
	l.mu.Lock()
	defer l.mu.Unlock()
	lim, ok := l.clients[client]
	if !ok {
		if len(l.clients) >= maxClients {
			l.sweep(now)
		}
		lim = rate.NewLimiter(l.every, l.burst)
		l.clients[client] = lim
	}
	return lim.ReserveN(now, 1)
}

// sweep forgets the clients whose budget is whole again (they would get a
// fresh limiter anyway), then, if still full, any (map order).
func (l *listenLimit) sweep(now time.Time) {
	for k, lim := range l.clients {
		if lim.TokensAt(now) >= float64(l.burst) {
			delete(l.clients, k)
		}
	}
	for k := range l.clients {
		if len(l.clients) < maxClients {
			break
		}
		delete(l.clients, k)
	}
}

// clientKey is the budget an address counts against: IPv6 clients by
// their /64, since one subscriber usually holds a whole /64 and could
// otherwise take a new address per request.
func clientKey(ip string) string {
	addr := net.ParseIP(ip)
	if addr == nil {
		return ip
	}
	if addr.To4() == nil {
		return addr.Mask(net.CIDRMask(64, 128)).String() + "/64"
	}
	return addr.String()
}
