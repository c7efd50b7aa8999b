package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"

	"ecouter/api"
	"ecouter/cluster"
)

// serve runs the HTTP service until ctx ends, then drains requests and
// lets running renders finish (bounded) so no work is lost on a deploy.
func serve(ctx context.Context, cfg Config, args []string, stderr io.Writer) error {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&cfg.Addr, "addr", cfg.Addr, "listen address (ECOUTER_ADDR)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	log := newLogger(cfg, stderr)
	log.Info("starting ecouter", "config", cfg)

	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	n, err := startNode(ctx, cfg, log, reg)
	if err != nil {
		return err
	}
	defer n.close()
	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", cfg.Addr, err)
	}
	ln = api.Listener(ln)
	srv := api.HTTPServer(cfg.Addr, n.http)
	log.Info("listening", "addr", ln.Addr().String())

	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	var lost error
	select {
	case err := <-errc:
		return fmt.Errorf("serve: %w", err)
	case <-ctx.Done():
	case <-n.cl.node.Lost():
		// nats.go does not reopen a connection the server closed: rather
		// than stay half-alive (stored audio served, no render ever), the
		// node answers /healthz 503, drains and exits with an error, so
		// its supervisor starts it again with a new connection.
		lost = fmt.Errorf("serve: %w: exiting to be restarted", cluster.ErrLost)
	}
	log.Info("shutting down")
	sctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil && !errors.Is(err, http.ErrServerClosed) {
		log.Warn("shutdown", "err", err)
	}
	if err := n.stop(sctx); err != nil {
		log.Warn("renders still running at exit", "err", err)
	}
	return lost
}

// node is a serving ecouter: its components, its part of the cluster
// (the embedded NATS by default), the HTTP application and the queue's
// workers.
type node struct {
	app      *app
	cl       *coordination
	http     *echo.Echo
	stopWork context.CancelFunc
	worked   chan struct{}
}

// startNode builds a serving node and starts its queue workers.
func startNode(ctx context.Context, cfg Config, log *slog.Logger, reg prometheus.Registerer) (*node, error) {
	cl, err := startCluster(ctx, cfg, log, reg)
	if err != nil {
		return nil, err
	}
	a, err := buildWith(ctx, cfg, log, reg, cl)
	if err == nil {
		err = cl.follow(a.renders)
	}
	if err != nil {
		cl.node.Close()
		return nil, err
	}
	ac := cfg.apiConfig(a)
	ac.Jobs, ac.Changes = cl.queue, cl.onChange
	ac.Ready = append(ac.Ready, api.Check{Name: "nats", Check: cl.node.Ready})
	ac.Live = append(ac.Live, api.Check{Name: "nats", Check: cl.node.Alive})
	g, ok := reg.(prometheus.Gatherer)
	if !ok {
		g = nil
	}
	n := &node{app: a, cl: cl, http: api.New(a.renders, ac, log, g), worked: make(chan struct{})}
	wctx, stop := context.WithCancel(context.WithoutCancel(ctx))
	n.stopWork = stop
	go func() { defer close(n.worked); cl.work(wctx, a.renders, cfg.renderConfig().MaxRenders) }()
	return n, nil
}

// stop takes no more jobs (those not started go to other nodes, or wait
// in the queue) and waits for the renders running here.
func (n *node) stop(ctx context.Context) error {
	n.stopWork()
	<-n.worked
	return n.app.renders.Wait(ctx)
}

// close leaves NATS (and stops the embedded server), last: renders that
// finish still report to it.
func (n *node) close() {
	n.stopWork()
	<-n.worked
	n.cl.node.Close()
}
