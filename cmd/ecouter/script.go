package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"

	"ecouter/article"
	"ecouter/render"
	"ecouter/samples"
	"ecouter/script"
)

// scriptCmd prints an article's narration script: what would be read,
// before anything is synthesised.
func scriptCmd(ctx context.Context, cfg Config, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("script", flag.ContinueOnError)
	fs.SetOutput(stderr)
	asJSON := fs.Bool("json", false, "print JSON instead of one sentence per line")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return errors.New("usage: ecouter script [-json] ID")
	}
	id := fs.Arg(0)
	if err := article.ValidID(id); err != nil {
		return err
	}
	src, err := article.Parse(cfg.Articles, nil, samples.Articles())
	if err != nil {
		return fmt.Errorf("ECOUTER_ARTICLES: %w", err)
	}
	a, err := src.Article(ctx, id)
	if err != nil {
		return err
	}
	lex, err := cfg.lexicon()
	if err != nil {
		return err
	}
	sc := render.NarrateWith(a, cfg.renderConfig().Rules, script.Options{Lexicon: lex})
	if *asJSON {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(sc)
	}
	for _, b := range sc.Blocks {
		for _, s := range b.Sentences {
			fmt.Fprintf(stdout, "%s\t%s\n", b.Kind, s.Text)
		}
	}
	return nil
}
