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

// DefaultNetsPer48 is how many /64s of one IPv6 /48 keep budgets of their
// own at once (ECOUTER_LISTEN_IPV6_NETS_PER_48): one subscriber holds a /64 (or a /56), while a /48 is one
// organisation's or one host's, whose 65,536 /64s would otherwise be as
// many budgets. A /64 of a /48 that already has DefaultNetsPer48 other /64s
// with a budget in use (not refilled) counts against one budget for the
// whole /48: such a /48 starts at most about (DefaultNetsPer48+1) budgets a
// minute.
const DefaultNetsPer48 = 4

// Defaults of the listen budgets: a reader's session starts a few renders,
// a walker many.
const (
	DefaultListenRendersPerMinute       = 10 // per client
	DefaultListenRendersGlobalPerMinute = 60 // over all clients, per node
)

// listenLimit budgets the renders that listeners' requests start: each
// client may start perMinute of them in a burst, then one every
// minute/perMinute; and all clients together globalPerMinute (per node).
// Renders cost engine time and, with a paid engine, money; cached audio
// costs neither and is never counted, nor is joining a running render.
type listenLimit struct {
	every  rate.Limit
	burst  int           // 0: no per-client budget
	global *rate.Limiter // nil: no cap over all clients
	per48  int           // Config.NetsPer48

	mu      sync.Mutex
	clients map[string]*rate.Limiter
	nets    map[string]map[string]bool // an IPv6 /48's /64 keys that have a budget
}

// newListenLimit returns nil when there is neither limit (both <= 0).
func newListenLimit(perMinute, globalPerMinute int) *listenLimit {
	if perMinute <= 0 && globalPerMinute <= 0 {
		return nil
	}
	l := &listenLimit{clients: map[string]*rate.Limiter{}, nets: map[string]map[string]bool{}, per48: DefaultNetsPer48}
	if perMinute > 0 {
		l.every, l.burst = rate.Every(time.Minute/time.Duration(perMinute)), perMinute
	}
	if globalPerMinute > 0 {
		l.global = rate.NewLimiter(rate.Every(time.Minute/time.Duration(globalPerMinute)), globalPerMinute)
	}
	return l
}

// take takes one render from ip's budget and from the global one at now.
// When either is spent, nothing is taken: wait says for how long, global
// whether it is the cap over all clients. Otherwise giveBack returns what
// was taken, for a request that turns out not to start a render.
func (l *listenLimit) take(ip string, now time.Time) (giveBack func(), wait time.Duration, global bool) {
	var taken []*rate.Reservation
	giveBack = func() {
		for _, r := range taken {
			r.CancelAt(now) // at the time it was taken: the token comes back
		}
	}
	if l.burst > 0 {
		r := l.limiter(ip, now).ReserveN(now, 1)
		if d := r.DelayFrom(now); d > 0 {
			r.CancelAt(now)
			return nil, d, false
		}
		taken = append(taken, r)
	}
	if l.global != nil {
		r := l.global.ReserveN(now, 1)
		if d := r.DelayFrom(now); d > 0 {
			r.CancelAt(now)
			giveBack()
			return nil, d, true
		}
		taken = append(taken, r)
	}
	return giveBack, 0, false
}

// limiter is the budget ip counts against.
func (l *listenLimit) limiter(ip string, now time.Time) *rate.Limiter {
	l.mu.Lock()
	defer l.mu.Unlock()
	key, net48 := clientKey(ip), prefix48(ip)
	if net48 != "" && l.crowded(net48, key, now) {
		key = net48
	}
	lim, ok := l.clients[key]
	if !ok {
		if len(l.clients) >= maxClients {
			l.sweep(now)
		}
		lim = rate.NewLimiter(l.every, l.burst)
		l.clients[key] = lim
		if net48 != "" && key != net48 {
			if l.nets[net48] == nil {
				l.nets[net48] = map[string]bool{}
			}
			l.nets[net48][key] = true
		}
	}
	return lim
}

// crowded reports whether the /48 net48 already has per48 /64s
// other than key with a budget in use; a /64 whose own budget is in use
// keeps it.
func (l *listenLimit) crowded(net48, key string, now time.Time) bool {
	if l.inUse(key, now) {
		return false
	}
	n := 0
	for k := range l.nets[net48] {
		if k != key && l.inUse(k, now) {
			if n++; n >= l.per48 {
				return true
			}
		}
	}
	return false
}

// inUse reports whether key's budget has been spent from and not refilled.
func (l *listenLimit) inUse(key string, now time.Time) bool {
	lim, ok := l.clients[key]
	return ok && lim.TokensAt(now) < float64(l.burst)
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
	for n, keys := range l.nets {
		for k := range keys {
			if _, ok := l.clients[k]; !ok {
				delete(keys, k)
			}
		}
		if len(keys) == 0 {
			delete(l.nets, n)
		}
	}
}

// clientKey is the budget an address counts against: IPv6 clients by
// their /64, since one subscriber usually holds a whole /64 and could
// otherwise take a new address per request (and see maxNetsPer48).
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

// prefix48 is an IPv6 address's /48, "" for IPv4 and what is not an
// address.
func prefix48(ip string) string {
	addr := net.ParseIP(ip)
	if addr == nil || addr.To4() != nil {
		return ""
	}
	return addr.Mask(net.CIDRMask(48, 128)).String() + "/48"
}
