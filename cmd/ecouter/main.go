// Command ecouter turns news articles into listenable audio: it serves the
// HTTP API (ecouter serve, the default) and renders articles from the
// command line (ecouter render).
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"sync"
	"syscall"
)

const usage = `ecouter turns French news articles into MP3 audio.

Usage:
  ecouter [serve] [-addr ADDR]        run the HTTP service (default)
  ecouter render [-o FILE] ID...      render articles from the command line
  ecouter render -recent N [-category C]  render the source's N most recent articles
  ecouter script [-json] ID           print an article's narration script
  ecouter gc [--dry-run]              remove superseded audio and trim the sentence cache
  ecouter voices                      list Amazon Polly's voices for the language, with their engines
  ecouter health                      check that the local service answers
  ecouter jobs [-retry ID,ID | -retry-all]  the render queue: counts, failed jobs, retry

Configuration comes from ECOUTER_* environment variables (see README.md).
`

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Getenv, os.Stdout, os.Stderr)
	stop()
	if err != nil {
		if !errors.Is(err, flag.ErrHelp) {
			fmt.Fprintln(os.Stderr, "ecouter:", err)
		}
		os.Exit(1)
	}
}

// run is main without the process: testable, and every exit goes through it.
func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	// The log and a command's own lines (a batch's progress, from its
	// workers) reach the same writers from several goroutines: one write
	// at a time, as an *os.File would take them.
	stdout, stderr = serialize(stdout), serialize(stderr)
	cmd := "serve"
	if len(args) > 0 && args[0] != "" && args[0][0] != '-' {
		cmd, args = args[0], args[1:]
	}
	cfg, err := LoadConfig(getenv)
	if err != nil {
		return fmt.Errorf("configuration:\n%w", err)
	}
	switch cmd {
	case "serve":
		return serve(ctx, cfg, args, stderr)
	case "render":
		return renderCmd(ctx, cfg, args, stdout, stderr)
	case "script":
		return scriptCmd(ctx, cfg, args, stdout, stderr)
	case "gc":
		return gcCmd(ctx, cfg, args, stdout, stderr)
	case "voices":
		return voicesCmd(ctx, cfg, stdout)
	case "health":
		return health(ctx, cfg)
	case "jobs":
		return jobsCmd(ctx, cfg, args, stdout, stderr)
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage)
		return writeSettings(stdout)
	default:
		fmt.Fprint(stderr, usage)
		return fmt.Errorf("unknown command %q", cmd)
	}
}

func newLogger(cfg Config, w io.Writer) *slog.Logger {
	opts := &slog.HandlerOptions{Level: cfg.LogLevel}
	if cfg.LogFormat == "json" {
		return slog.New(slog.NewJSONHandler(w, opts))
	}
	return slog.New(slog.NewTextHandler(w, opts))
}

// lockedWriter makes a writer safe for concurrent writes.
type lockedWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func (l *lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}

// serialize wraps w in a lockedWriter, unless it is a file: a file keeps
// its type, so a command can still tell whether it is a terminal.
func serialize(w io.Writer) io.Writer {
	if _, ok := w.(*os.File); ok {
		return w
	}
	return &lockedWriter{w: w}
}
