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

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"

	"ecouter/api"
	"ecouter/cluster"
)

// serve runs the HTTP service and its background loops until ctx ends,
// then stops them in order (see node.loops) so no work is lost on a
// deploy.
func serve(ctx context.Context, cfg Config, args []string, stderr io.Writer) error {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&cfg.Addr, "addr", cfg.Addr, "listen address (ECOUTER_ADDR)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	log := newLogger(cfg, stderr)
	log.Info("starting ecouter", "config", cfg)

	// Listening comes first: a port already taken fails before NATS starts,
	// and the connections of an early client wait for Serve.
	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", cfg.Addr, err)
	}
	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	n, err := startNode(ctx, cfg, log, reg)
	if err != nil {
		ln.Close()
		return err
	}
	log.Info("listening", "addr", ln.Addr().String())
	if err := n.serve(ctx, ln); err != nil {
		return fmt.Errorf("serve: %w", err)
	}
	return nil
}

// node is a serving ecouter: its components, its part of the cluster
// (the embedded NATS by default) and the HTTP application, ready for its
// loops to run.
type node struct {
	cfg      Config
	log      *slog.Logger
	app      *app
	cl       *coordination
	http     http.Handler
	unfollow func() error // ends the subscription to the cluster's events
}

// startNode builds a serving node: NATS connected (the embedded server
// started; none with ECOUTER_NATS=off), its events followed, nothing else
// running yet.
func startNode(ctx context.Context, cfg Config, log *slog.Logger, reg prometheus.Registerer) (*node, error) {
	cl, err := startCoordination(ctx, cfg, log, reg)
	if err != nil {
		return nil, err
	}
	a, err := buildWith(ctx, cfg, log, reg, cl)
	var unfollow func() error
	if err == nil {
		// Followed from here, before anything is served or rendered, so
		// none of this node's own events is missed.
		unfollow, err = cl.follow(a.renders.Archive())
	}
	if err != nil {
		cl.leave()
		return nil, err
	}
	ac := cfg.apiConfig(a)
	ac.Jobs, ac.Changes = cl.queue, cl.onChange
	ac.Ready = append(ac.Ready, cl.ready...)
	ac.Live = append(ac.Live, cl.live...)
	g, ok := reg.(prometheus.Gatherer)
	if !ok {
		g = nil
	}
	return &node{
		cfg: cfg, log: log, app: a, cl: cl, http: api.New(a.renders, ac, log, g),
		unfollow: unfollow,
	}, nil
}

// serve runs the node's loops, serving HTTP on ln, until ctx ends or one
// of them fails; it leaves NATS before it returns.
func (n *node) serve(ctx context.Context, ln net.Listener) error {
	return runLoops(ctx, n.log, shutdownGrace, n.loops(api.HTTPServer(n.cfg.Addr, n.http), api.Listener(ln)))
}

// loops is everything a serving node runs in the background, in the order
// it stops them: first nothing new is taken (the NATS-lost watcher, whose
// only job is to ask for this stop; queue jobs; collections), then HTTP
// drains its requests, then the renders they and the jobs started are
// waited for, and NATS is left last, since renders that finish still
// report to it (leases, events, job acknowledgements).
func (n *node) loops(srv *http.Server, ln net.Listener) []loop {
	return []loop{
		{name: "nats-lost watcher", run: n.watchLost},
		// Jobs not started go to other nodes, or wait in the queue (lost
		// with the process when the node is alone: ECOUTER_NATS=off).
		{name: "queue workers", run: func(ctx context.Context) error {
			n.cl.work(ctx, n.app.renders, n.cfg.renderConfig().MaxRenders)
			return nil
		}},
		// A collection cut midway is done again by the next one.
		{name: "store collection", run: func(ctx context.Context) error {
			n.app.renders.Archive().CollectEvery(ctx, n.cfg.GCInterval)
			return nil
		}},
		{name: "http", run: func(context.Context) error {
			if err := srv.Serve(ln); !errors.Is(err, http.ErrServerClosed) {
				return err
			}
			return nil
		}, stop: srv.Shutdown},
		// Started by requests and jobs, and the work they track (the
		// collection after a stored render).
		{name: "renders", stop: n.app.renders.Wait},
		// Kept until the renders are done: another node's withdrawal still
		// cuts one running here.
		{name: "event follower", stop: func(context.Context) error { return n.unfollow() }},
		{name: "nats", stop: func(context.Context) error { n.cl.leave(); return nil }},
	}
}

// watchLost ends when the connection to NATS closed for good: nats.go
// does not reopen a connection the server closed, so rather than stay
// half-alive (stored audio served, no render ever) the node answers
// /healthz 503, drains and exits with an error, for its supervisor to
// start it again with a new connection.
func (n *node) watchLost(ctx context.Context) error {
	select {
	case <-n.cl.lost: // never without NATS
		return fmt.Errorf("%w: exiting to be restarted", cluster.ErrLost)
	case <-ctx.Done():
		return nil
	}
}
