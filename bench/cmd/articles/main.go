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
	kind := flag.String("kind", "long", "long (shuffled tramway-nantes), tiny (one-sentence briefs), onesentence (one sentence of -words words), short (one article of -sentences short sentences), samples (the five samples) or edited (the five samples, each with a paragraph added)")
	n := flag.Int("n", 20, "how many articles")
	words := flag.Int("words", 12000, "with -kind onesentence: words in the one sentence")
	sentences := flag.Int("sentences", 3000, "with -kind short: sentences in the article")
	out := flag.String("o", "", "folder to write <id>.json files into")
	flag.Parse()
	if *out == "" || *n < 1 {
		fmt.Fprintln(os.Stderr, "usage: articles -kind long|tiny -n N -o DIR")
		os.Exit(2)
	}
	if err := run(*kind, *n, *out, *words, *sentences); err != nil {
		fmt.Fprintln(os.Stderr, "articles:", err)
		os.Exit(1)
	}
}

func run(kind string, n int, dir string, words, sentences int) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	if kind == "samples" || kind == "edited" {
		return copySamples(dir, kind == "edited")
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
		case "onesentence":
			// What a CMS can hand over: a whole article without one full
			// stop, which a speech engine would read as a single sentence.
			id = fmt.Sprintf("phrase-%02d", i)
			a = sample{Title: "Une seule phrase", Text: pathological(words, i, ", ") + "."}
		case "short":
			id = fmt.Sprintf("courtes-%02d", i)
			a = sample{Title: "Des milliers de phrases", Text: shortSentences(sentences, i)}
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

// vocabulary is plain French, so espeak-ng reads it at its usual pace.
var vocabulary = strings.Fields("le conseil municipal a voté le budget de la ville pour l'année prochaine " +
	"avec une hausse des crédits consacrés aux écoles aux transports et aux espaces verts " +
	"les habitants pourront donner leur avis lors d'une réunion publique organisée au printemps")

// pathological is words words of vocabulary, sep between groups of eight,
// never a full stop.
func pathological(words, seed int, sep string) string {
	var b strings.Builder
	for i := range words {
		if i > 0 {
			if i%8 == 0 {
				b.WriteString(sep)
			} else {
				b.WriteByte(' ')
			}
		}
		b.WriteString(vocabulary[(i+seed)%len(vocabulary)])
	}
	return b.String()
}

// shortSentences is n short sentences of three words, ten to a paragraph,
// each different so that none is read from the cache of another.
func shortSentences(n, seed int) string {
	var b strings.Builder
	v := len(vocabulary)
	for i := range n {
		if i > 0 {
			if i%10 == 0 {
				b.WriteString("\n\n")
			} else {
				b.WriteByte(' ')
			}
		}
		k := i + seed*v*v
		w := vocabulary[k%v]
		fmt.Fprintf(&b, "%s%s %s %s.", strings.ToUpper(w[:1]), w[1:], vocabulary[(k/v)%v], vocabulary[(k/v/v)%v])
	}
	return b.String()
}

// copySamples writes the five samples into dir; edited, each gets one
// paragraph more, as a newsroom's update would.
func copySamples(dir string, edited bool) error {
	entries, err := fs.ReadDir(samples.Articles(), ".")
	if err != nil {
		return err
	}
	for _, e := range entries {
		b, err := fs.ReadFile(samples.Articles(), e.Name())
		if err != nil {
			return err
		}
		if edited {
			var a map[string]any
			if err := json.Unmarshal(b, &a); err != nil {
				return fmt.Errorf("%s: %w", e.Name(), err)
			}
			const update = "Mise à jour : la rédaction a complété cet article avec de nouvelles informations."
			if h, ok := a["html"].(string); ok && h != "" {
				a["html"] = h + "\n<p>" + update + "</p>"
			} else if t, ok := a["text"].(string); ok {
				a["text"] = t + "\n\n" + update
			}
			if b, err = json.MarshalIndent(a, "", "  "); err != nil {
				return err
			}
		}
		if err := os.WriteFile(filepath.Join(dir, e.Name()), b, 0o644); err != nil {
			return err
		}
	}
	return nil
}
