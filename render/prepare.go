package render

import (
	"strings"

	"ecouter/article"
	"ecouter/audio"
	"ecouter/script"
)

// prepared is an article turned into what the pipeline reads, with the
// content key of the audio it would give.
type prepared struct {
	art    *article.Article
	script script.Script
	tags   audio.Tags
	key    string
	chars  int // spoken characters
}

// Narrate builds the narration script of an article: title, byline, then
// the readable blocks of its body.
func Narrate(a *article.Article, rules article.Rules) script.Script {
	return NarrateWith(a, rules, script.Options{})
}

// NarrateWith is Narrate with script options (a pronunciation lexicon).
func NarrateWith(a *article.Article, rules article.Rules, opt script.Options) script.Script {
	inputs := []script.Input{{Kind: script.Title, Text: a.Title}}
	if by := script.BylineText(a.Author); by != "" {
		inputs = append(inputs, script.Input{Kind: script.Byline, Text: by})
	}
	var blocks []article.Block
	if strings.TrimSpace(a.HTML) != "" {
		blocks = article.Extract(a.HTML, rules)
	} else {
		blocks = article.TextBlocks(a.Text)
	}
	for _, b := range blocks {
		inputs = append(inputs, script.Input{Kind: script.Kind(b.Kind), Text: b.Text})
	}
	return script.BuildWith(inputs, opt)
}

func (pl *pipeline) prepare(a *article.Article) prepared {
	sc := NarrateWith(a, pl.cfg.Rules, script.Options{Lexicon: pl.cfg.Lexicon})
	if pl.respell != nil {
		for _, b := range sc.Blocks {
			for k := range b.Sentences {
				b.Sentences[k].Spoken = pl.respell(b.Sentences[k].Spoken)
			}
		}
	}
	tags := audio.Tags{
		Title:  a.Title,
		Artist: a.Author,
		Album:  pl.cfg.SiteName,
		Date:   date(a.Published),
		URL:    a.URL,
	}
	limit := 0
	if cut(sc, pl.limit) {
		limit = pl.limit // the pieces change the audio
	}
	return prepared{art: a, script: sc, tags: tags, chars: spokenChars(sc),
		key: contentKey(pl.cfg, pl.synth.Fingerprint(), tags, sc, limit)}
}
