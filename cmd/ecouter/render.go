package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/schollz/progressbar/v3"
	"golang.org/x/term"

	"ecouter/render"
)

// renderCmd renders articles from the command line, with a progress bar on
// a terminal and plain lines otherwise (logs, CI).
func renderCmd(ctx context.Context, cfg Config, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("render", flag.ContinueOnError)
	fs.SetOutput(stderr)
	out := fs.String("o", "", "copy the MP3 to this file (one ID only)")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: ecouter render [-o FILE] ID... | ecouter render -recent N [-category C]")
		fs.PrintDefaults()
	}
	recent := fs.Int("recent", 0, fmt.Sprintf("render the source's N most recent articles, %d at a time", render.DefaultBatchParallel))
	category := fs.String("category", "", "with -recent: only this category")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *recent > 0 {
		if len(fs.Args()) > 0 || *out != "" {
			return errors.New("render: -recent takes no IDs and no -o")
		}
		a, leave, err := buildCLI(ctx, cfg, newLogger(cfg, stderr))
		if err != nil {
			return err
		}
		defer leave()
		err = renderRecent(ctx, a, *recent, *category, stdout, stderr)
		// The collection after each render runs in the background.
		return errors.Join(err, a.renders.Wait(ctx))
	}
	ids := fs.Args()
	if len(ids) == 0 {
		fs.Usage()
		return errors.New("render: give at least one article ID")
	}
	if *out != "" && len(ids) != 1 {
		return errors.New("render: -o takes exactly one article ID")
	}
	a, leave, err := buildCLI(ctx, cfg, newLogger(cfg, stderr))
	if err != nil {
		return err
	}
	defer leave()
	err = renderEach(ctx, cfg, a, ids, *out, stdout, stderr)
	// The collection after each render runs in the background.
	return errors.Join(err, a.renders.Wait(ctx))
}

// renderEach renders ids one after the other, each with its progress,
// and says where each MP3 is (or copies it to out).
func renderEach(ctx context.Context, cfg Config, a *app, ids []string, out string, stdout, stderr io.Writer) error {
	tty := isTerminal(stderr)
	failed := 0
	for _, id := range ids {
		start := time.Now()
		// Asked for now, as POST render: it brings back an article
		// withdrawn before it.
		w, err := a.renders.Archive().Asked(ctx, id)
		var m *render.Manifest
		if err == nil {
			m, err = a.renders.Ensure(ctx, id, render.Options{
				Force: true, Wait: true, Withdrawal: w, Progress: progress(id, tty, stderr),
			})
		}
		if err != nil {
			fmt.Fprintf(stderr, "%s: %v\n", id, err)
			failed++
			continue
		}
		dest := storeLocation(cfg.Store, m.Audio)
		if out != "" {
			if err := copyAudio(ctx, a.renders.Archive(), m, out); err != nil {
				return err
			}
			dest = out
		}
		fmt.Fprintf(stdout, "%s: %.1f s of audio, %d bytes, %s (took %.1f s)\n",
			id, m.Duration, m.Size, dest, time.Since(start).Seconds())
	}
	if failed > 0 {
		return fmt.Errorf("render failed for %d of %d articles", failed, len(ids))
	}
	return nil
}

// storeLocation is where a store key lives, as a user would look for it:
// a path under the store folder, or the object's s3:// URL.
func storeLocation(store, key string) string {
	if strings.HasPrefix(store, "s3://") {
		return strings.TrimSuffix(store, "/") + "/" + key
	}
	return filepath.Join(store, filepath.FromSlash(key))
}

// progress reports sentences done / total and elapsed time.
func progress(id string, tty bool, w io.Writer) func(done, total int) {
	start := time.Now()
	var mu sync.Mutex
	if tty {
		var bar *progressbar.ProgressBar
		return func(done, total int) {
			mu.Lock()
			defer mu.Unlock()
			if bar == nil {
				bar = progressbar.NewOptions(total, progressbar.OptionSetWriter(w),
					progressbar.OptionSetDescription(id), progressbar.OptionShowCount(),
					progressbar.OptionSetElapsedTime(true), progressbar.OptionClearOnFinish())
			}
			_ = bar.Set(done)
		}
	}
	last := -1
	return func(done, total int) {
		mu.Lock()
		defer mu.Unlock()
		// Every tenth of the way, so logs stay readable.
		step := done * 10 / total
		if step == last && done != total {
			return
		}
		last = step
		fmt.Fprintf(w, "%s: %d/%d sentences, %.1fs\n", id, done, total, time.Since(start).Seconds())
	}
}

func copyAudio(ctx context.Context, r *render.Archive, m *render.Manifest, path string) error {
	b, err := r.Open(ctx, m)
	if err != nil {
		return err
	}
	defer b.Close()
	tmp := path + ".part"
	f, err := os.Create(tmp)
	if err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if _, err := io.Copy(f, b); err != nil {
		f.Close()
		os.Remove(tmp)
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := f.Close(); err != nil {
		os.Remove(tmp)
		return fmt.Errorf("write %s: %w", path, err)
	}
	return os.Rename(tmp, path)
}

func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}
