package main

import (
	"context"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"ecouter/api"
	"ecouter/article"
	"ecouter/render"
	"ecouter/samples"
	"ecouter/store"
	"ecouter/synth"
	"ecouter/synth/espeak"
	"ecouter/synth/polly"
)

// app is every component, built from the configuration.
type app struct {
	renders *render.Service
	source  article.Source // the configured source itself, for its listing
	unknown *article.NotFoundMemory
	rules   article.Rules
	ready   []api.Check     // what GET /readyz checks
	capped  *synth.DailyCap // the paid engine's daily cap; nil: none
}

// budget is the daily cap for the HTTP layer (a nil interface when none).
func (a *app) budget() interface{ Exhausted() (time.Time, bool) } {
	if a.capped == nil {
		return nil
	}
	return a.capped
}

// build wires config -> components. Everything that can be checked at
// start is checked here, so mistakes surface before the first request.
func build(ctx context.Context, cfg Config, log *slog.Logger, reg prometheus.Registerer) (*app, error) {
	return buildWith(ctx, cfg, log, reg, alone(cfg, log, reg))
}

// buildWith is build with the node's coordination cl: the cluster's, or
// this process's alone.
func buildWith(ctx context.Context, cfg Config, log *slog.Logger, reg prometheus.Registerer, cl *coordination) (*app, error) {
	src, err := article.Parse(cfg.Articles, nil, samples.Articles())
	if err != nil {
		return nil, fmt.Errorf("ECOUTER_ARTICLES: %w", err)
	}
	syn, err := newSynth(ctx, cfg, log)
	if err != nil {
		return nil, err
	}
	st, err := newStore(ctx, cfg, log)
	if err != nil {
		return nil, err
	}
	capped, err := spendingCap(ctx, cfg, syn, st, cl, log, reg)
	if err != nil {
		return nil, err
	}
	if capped != nil {
		syn = capped
	}
	rc := cfg.renderConfig()
	if rc.Lexicon, err = cfg.lexicon(); err != nil {
		return nil, err
	}
	// Unknown IDs are remembered so that a walker asking for them again
	// does not reach the CMS each time.
	unknown := article.RememberNotFound(src, cfg.NotFoundTTL)
	return &app{
		renders: render.New(unknown, syn, st, rc, log, render.NewMetrics(reg),
			render.WithScheduler(cl.sched), render.WithNotify(cl.notify)),
		source:  src,
		unknown: unknown,
		capped:  capped,
		rules:   rc.Rules,
		ready: []api.Check{
			{Name: "store", Check: func(ctx context.Context) error { return store.Ping(ctx, st) }},
			{Name: "speech engine", Check: enginePing(syn)},
		},
	}, nil
}

// spendingCap wraps a paid engine in ECOUTER_MAX_BILLED_CHARS_PER_DAY, with
// a metric and one log line a day when it is reached; nil when no cap
// applies. The day's count is the cluster's (NATS, embedded or not) for a
// node, the store's for a node or a command rendering alone, so every
// node counts the same characters and a restart keeps them.
func spendingCap(ctx context.Context, cfg Config, syn synth.Synthesizer, st store.Store, cl *coordination, log *slog.Logger, reg prometheus.Registerer) (*synth.DailyCap, error) {
	if cfg.MaxBilledCharsPerDay <= 0 {
		return nil, nil
	}
	if cfg.Synth != "polly" {
		log.Warn("ECOUTER_MAX_BILLED_CHARS_PER_DAY has no effect: the speech backend bills nothing", "backend", cfg.Synth)
		return nil, nil
	}
	count, err := cl.count(ctx, st)
	if err != nil {
		return nil, fmt.Errorf("ECOUTER_MAX_BILLED_CHARS_PER_DAY: %w", err)
	}
	reached := prometheus.NewCounter(prometheus.CounterOpts{
		Name: "ecouter_spending_cap_reached_total",
		Help: "Days on which ECOUTER_MAX_BILLED_CHARS_PER_DAY was reached, as seen by this node (new renders refused until the next UTC day).",
	})
	c := synth.NewDailyCap(syn, synth.CapConfig{
		Max: int64(cfg.MaxBilledCharsPerDay), Count: count,
		Reached: func(until time.Time) {
			reached.Inc()
			log.Warn("daily spending cap reached: new renders refused, cached audio still served",
				"max_billed_chars_per_day", cfg.MaxBilledCharsPerDay, "until", until)
		},
		Failed: func(err error) { log.Warn("spending cap count", "err", err) },
	})
	if reg != nil {
		reg.MustRegister(reached, prometheus.NewGaugeFunc(prometheus.GaugeOpts{
			Name: "ecouter_billed_characters_today",
			Help: "Characters billed by the paid speech engine since 00:00 UTC by every node sharing the count (with those reserved by sentences in flight), as counted against the daily cap.",
		}, func() float64 { return float64(c.Used()) }))
	}
	return c, nil
}

// enginePing checks that the speech engine can still run (espeak-ng still
// installed, Polly reachable with the credentials), when it can tell.
func enginePing(syn synth.Synthesizer) func(context.Context) error {
	if p, ok := syn.(interface{ Ping(context.Context) error }); ok {
		return p.Ping
	}
	return func(context.Context) error { return nil }
}

func newSynth(ctx context.Context, cfg Config, log *slog.Logger) (synth.Synthesizer, error) {
	switch cfg.Synth {
	case "espeak":
		e, err := espeak.New(ctx, cfg.espeakOptions())
		if err != nil {
			return nil, fmt.Errorf("speech backend: %w", err)
		}
		log.Info("speech backend ready", "backend", e.Name(), "voice", e.Fingerprint())
		return e, nil
	case "polly":
		awsCfg, err := polly.LoadConfig(ctx)
		if err != nil {
			return nil, fmt.Errorf("speech backend: %w", err)
		}
		e, err := polly.New(ctx, cfg.pollyOptions(), awsCfg)
		if err != nil {
			return nil, fmt.Errorf("speech backend: %w", err)
		}
		log.Info("speech backend ready", "backend", e.Name(), "voice", e.Fingerprint())
		return e, nil
	default:
		return nil, fmt.Errorf("ECOUTER_SYNTH=%q: unknown backend", cfg.Synth)
	}
}

func (c Config) espeakOptions() espeak.Options {
	return espeak.Options{
		Voice: c.Voice, Speed: c.EspeakSpeed, Pitch: c.EspeakPitch, MaxProcs: c.Workers,
		SentenceLimit: c.EspeakSentence,
	}
}

func (c Config) pollyOptions() polly.Options {
	return polly.Options{
		Voice: c.Voice, Engine: c.Polly.Engine, LanguageCode: c.Polly.Language,
		SampleRate: c.Polly.SampleRate, Lexicons: c.Polly.Lexicons,
		MaxInFlight: c.Polly.MaxInFlight, PerSecond: c.Polly.PerSecond,
		// PerSecond is each node's share of the account's quota.
		Adaptive: c.NATS.several(),
	}
}

// newStore opens the store: a local folder, or an S3 bucket for several
// machines sharing renders (s3://bucket/prefix).
func newStore(ctx context.Context, cfg Config, log *slog.Logger) (store.Store, error) {
	if strings.HasPrefix(cfg.Store, "s3://") {
		bucket, prefix, err := store.ParseS3URL(cfg.Store)
		if err != nil {
			return nil, fmt.Errorf("ECOUTER_STORE: %w", err)
		}
		client, err := store.S3Client(ctx, cfg.S3PathStyle)
		if err != nil {
			return nil, fmt.Errorf("ECOUTER_STORE: %w", err)
		}
		st, err := store.NewS3(ctx, client, bucket, prefix)
		if err != nil {
			return nil, fmt.Errorf("ECOUTER_STORE: %w", err)
		}
		return st, nil
	}
	st, err := store.NewDir(cfg.Store)
	if err != nil {
		return nil, fmt.Errorf("ECOUTER_STORE: %w", err)
	}
	if n, err := st.Sweep(); err != nil {
		log.Warn("sweep store", "err", err)
	} else if n > 0 {
		log.Info("removed files left by an interrupted write", "count", n)
	}
	return st, nil
}
