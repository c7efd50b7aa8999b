package article

import (
	"encoding/json"
	"fmt"
)

// wpPost is the part of a WordPress REST API post object ecouter reads
// (GET /wp-json/wp/v2/posts/{id}?_embed).
type wpPost struct {
	Title       wpRendered `json:"title"`
	Content     wpRendered `json:"content"`
	DateGMT     string     `json:"date_gmt"`
	ModifiedGMT string     `json:"modified_gmt"`
	Link        string     `json:"link"`
	Ecouter     wpEcouter  `json:"ecouter"`
	Embedded    struct {
		Author []struct {
			Name string `json:"name"`
		} `json:"author"`
		// One list per taxonomy (categories, tags...), each of terms.
		Terms [][]struct {
			Name     string `json:"name"`
			Taxonomy string `json:"taxonomy"`
		} `json:"wp:term"`
	} `json:"_embedded"`
}

// wpEcouter is the field the ecouter WordPress plugin adds to every post:
// whether the site gives the post no audio (an excluded category, the
// editor's "Pas d'audio pour cet article"). A site without the plugin has
// no such field: every public post is read.
type wpEcouter struct {
	Excluded bool `json:"excluded"`
}

type wpRendered struct {
	Rendered string `json:"rendered"`
}

// decodeWordPress reads a post object. WordPress renders titles and names
// as HTML (entities, sometimes tags), so they are reduced to plain text.
func decodeWordPress(data []byte) (*Article, error) {
	var p wpPost
	if err := json.Unmarshal(data, &p); err != nil {
		return nil, err
	}
	if p.Ecouter.Excluded {
		return nil, ErrExcluded
	}
	published, err := parseDate(p.DateGMT)
	if err != nil {
		return nil, fmt.Errorf("date_gmt: %w", err)
	}
	modified, err := parseDate(p.ModifiedGMT)
	if err != nil {
		return nil, fmt.Errorf("modified_gmt: %w", err)
	}
	a := &Article{
		Title:     inlineText(p.Title.Rendered),
		Published: published,
		Modified:  modified,
		URL:       p.Link,
		HTML:      p.Content.Rendered,
	}
	// A private author is embedded as an error object without a name.
	if len(p.Embedded.Author) > 0 {
		a.Author = inlineText(p.Embedded.Author[0].Name)
	}
	for _, terms := range p.Embedded.Terms {
		for _, t := range terms {
			if name := inlineText(t.Name); t.Taxonomy == "category" && name != "" {
				a.Categories = append(a.Categories, name)
			}
		}
	}
	return a, nil
}
