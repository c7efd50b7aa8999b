// Package samples holds a few original, fictional French news articles
// built into the binary, so ecouter can be tried and tested without a CMS.
// They are meant to exercise the whole pipeline: a long article with
// everything a real page carries (figures, embeds, ads, "Lire aussi"
// boxes), both JSON forms, plain text, numbers, abbreviations and a brief.
package samples

import (
	"embed"
	"io/fs"
)

// FS holds the sample articles under articles/, one <id>.json each.
//
//go:embed articles/*.json
var FS embed.FS

// Articles returns the sample articles as a folder of <id>.json files, the
// layout article.NewDir reads.
func Articles() fs.FS {
	sub, err := fs.Sub(FS, "articles")
	if err != nil {
		// fs.Sub fails only on an invalid path, and "articles" is valid.
		panic(err)
	}
	return sub
}
