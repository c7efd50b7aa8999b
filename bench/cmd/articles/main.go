// Command articles writes benchmark articles into a folder source
// (ECOUTER_ARTICLES=dir:PATH): long variants of the tramway-nantes sample,
// its blocks shuffled so each has its own content key and MP3 while its
// sentences stay in the sentence cache, or tiny one-paragraph briefs for
// a feed of many items.
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"io/fs"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"

	"ecouter/samples"
)

// sample is the subset of the sample article format the variants keep.
type sample struct {
	Title      string   `json:"title"`
	Author     string   `json:"author,omitempty"`
	Published  string   `json:"published,omitempty"`
	URL        string   `json:"url,omitempty"`
	Categories []string `json:"categories,omitempty"`
	HTML       string   `json:"html,omitempty"`
	Text       string   `json:"text,omitempty"`
}

func main() {
	kind := flag.String("kind", "long", "long (shuffled tramway-nantes) or tiny (one-sentence briefs)")
	n := flag.Int("n", 20, "how many articles")
	out := flag.String("o", "", "folder to write <id>.json files into")
	flag.Parse()
	if *out == "" || *n < 1 {
		fmt.Fprintln(os.Stderr, "usage: articles -kind long|tiny -n N -o DIR")
		os.Exit(2)
	}
	if err := run(*kind, *n, *out); err != nil {
		fmt.Fprintln(os.Stderr, "articles:", err)
		os.Exit(1)
	}
}

func run(kind string, n int, dir string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	base, err := tramway()
	if err != nil {
		return err
	}
	for i := 1; i <= n; i++ {
		var a sample
		var id string
		switch kind {
		case "long":
			id, a = fmt.Sprintf("long-%02d", i), shuffled(base, i)
		case "tiny":
			id = fmt.Sprintf("breve-%03d", i)
			a = sample{
				Title:     fmt.Sprintf("Brève numéro %d", i),
				Author:    base.Author,
				Published: base.Published,
				URL:       fmt.Sprintf("https://www.exemple-actu.fr/breves/%d", i),
				Text:      "Le conseil municipal s'est réuni lundi soir. La séance a duré deux heures.",
			}
		default:
			return fmt.Errorf("unknown kind %q", kind)
		}
		b, err := json.MarshalIndent(a, "", "  ")
		if err != nil {
			return err
		}
		if err := os.WriteFile(filepath.Join(dir, id+".json"), b, 0o644); err != nil {
			return err
		}
	}
	return nil
}

func tramway() (sample, error) {
	var a sample
	b, err := fs.ReadFile(samples.Articles(), "tramway-nantes.json")
	if err != nil {
		return a, err
	}
	return a, json.Unmarshal(b, &a)
}

// shuffled keeps the sample's readable blocks (one per line in its HTML:
// paragraphs, headings, lists, the quote) in a seeded random order, and
// drops the rest (figure, embeds, boxes), which a listener never hears.
func shuffled(a sample, seed int) sample {
	var blocks []string
	for _, l := range strings.Split(a.HTML, "\n") {
		l = strings.TrimSpace(l)
		for _, p := range []string{"<p", "<h2", "<ul", "<blockquote><p>"} {
			if strings.HasPrefix(l, p) {
				blocks = append(blocks, l)
				break
			}
		}
	}
	r := rand.New(rand.NewPCG(uint64(seed), 7))
	r.Shuffle(len(blocks), func(i, j int) { blocks[i], blocks[j] = blocks[j], blocks[i] })
	a.Title = fmt.Sprintf("%s (variante %d)", a.Title, seed)
	a.HTML = strings.Join(blocks, "\n")
	return a
}
