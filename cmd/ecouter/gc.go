package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
)

// gcCmd collects the store by hand: ecouter gc [--dry-run] prints every
// blob removed (or, dry, that would be) and the bytes freed.
func gcCmd(ctx context.Context, cfg Config, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("gc", flag.ContinueOnError)
	fs.SetOutput(stderr)
	dry := fs.Bool("dry-run", false, "print what would be removed, remove nothing")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: ecouter gc [--dry-run]")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		fs.Usage()
		return errors.New("gc: takes no arguments")
	}
	a, err := build(ctx, cfg, newLogger(cfg, stderr), nil)
	if err != nil {
		return err
	}
	c, err := a.renders.Archive().Collect(ctx, *dry)
	verb, holds := "removed", "holds"
	if *dry {
		verb, holds = "would remove", "would hold"
	}
	for _, r := range c.Removed {
		fmt.Fprintf(stdout, "%s %s (%d bytes, %s)\n", verb, r.Key, r.Size, r.Reason)
	}
	fmt.Fprintf(stdout, "%s %d blobs, %d bytes freed; the store %s %d bytes of audio, %d of cached sentences\n",
		verb, len(c.Removed), c.Freed, holds, c.Bytes["audio"], c.Bytes["sentence"])
	if err != nil {
		return fmt.Errorf("gc: %w", err)
	}
	return nil
}
