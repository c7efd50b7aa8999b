package main

import (
	"context"
	"fmt"
	"io"
	"strings"

	"ecouter/synth/polly"
)

// voicesCmd lists the Polly voices for the configured language and the
// engines each supports, so a voice/engine choice can be checked before
// it is configured.
func voicesCmd(ctx context.Context, cfg Config, stdout io.Writer) error {
	awsCfg, err := polly.LoadConfig(ctx)
	if err != nil {
		return fmt.Errorf("voices: %w", err)
	}
	voices, err := polly.ListVoices(ctx, awsCfg, cfg.Polly.Language)
	if err != nil {
		return fmt.Errorf("voices: %w", err)
	}
	for _, v := range voices {
		fmt.Fprintf(stdout, "%-10s %-7s %-6s %s\n", v.ID, v.Gender, v.Language, strings.Join(v.Engines, ", "))
	}
	return nil
}
