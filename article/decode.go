package article

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"
)

// decodeArticle reads an article in either JSON form a source may serve: a
// WordPress REST post object (title is an object with "rendered") or the
// simple form (title is a string). The form is told by the title's shape so
// a simple article needs no marker.
func decodeArticle(id string, data []byte) (*Article, error) {
	var probe struct {
		Title json.RawMessage `json:"title"`
	}
	if err := json.Unmarshal(data, &probe); err != nil {
		return nil, fmt.Errorf("decode article json: %w", err)
	}
	var (
		a   *Article
		err error
	)
	switch t := bytes.TrimSpace(probe.Title); {
	case len(t) > 0 && t[0] == '{':
		a, err = decodeWordPress(data)
	case len(t) > 0 && t[0] == '"':
		a, err = decodeSimple(data)
	default:
		return nil, errors.New("decode article json: no title string or WordPress title object")
	}
	if errors.Is(err, ErrExcluded) {
		return nil, err
	}
	if err != nil {
		return nil, fmt.Errorf("decode article json: %w", err)
	}
	if a.Title == "" && len(Extract(a.HTML, Rules{})) == 0 && len(TextBlocks(a.Text)) == 0 {
		// The source answered well-formed JSON: the article itself is
		// unreadable, not the source broken. A title alone may be empty
		// (a brief, a post titled by its theme): the text is read.
		return nil, fmt.Errorf("decode article json: no title and no text: %w", ErrEmpty)
	}
	a.ID = id
	return a, nil
}

// undecodable is the error of a source whose answer decodeArticle
// refused: the source answered badly (ErrUnavailable, so stored audio
// keeps being served), unless it said the article gets no audio.
func undecodable(where string, err error) error {
	if errors.Is(err, ErrExcluded) {
		return fmt.Errorf("%s: %w", where, err)
	}
	return fmt.Errorf("%w: %s: %w", ErrUnavailable, where, err)
}

// simpleArticle is the simple JSON form. Its strings are plain text, not
// HTML, except html.
type simpleArticle struct {
	Title      string   `json:"title"`
	Author     string   `json:"author"`
	Published  string   `json:"published"`
	Modified   string   `json:"modified"`
	URL        string   `json:"url"`
	HTML       string   `json:"html"`
	Text       string   `json:"text"`
	Categories []string `json:"categories"`
}

func decodeSimple(data []byte) (*Article, error) {
	var s simpleArticle
	if err := json.Unmarshal(data, &s); err != nil {
		return nil, err
	}
	published, err := parseDate(s.Published)
	if err != nil {
		return nil, fmt.Errorf("published: %w", err)
	}
	modified, err := parseDate(s.Modified)
	if err != nil {
		return nil, fmt.Errorf("modified: %w", err)
	}
	a := &Article{
		Title:     collapseSpace(s.Title),
		Author:    collapseSpace(s.Author),
		Published: published,
		Modified:  modified,
		URL:       strings.TrimSpace(s.URL),
		HTML:      s.HTML,
		Text:      s.Text,
	}
	for _, c := range s.Categories {
		if c = collapseSpace(c); c != "" {
			a.Categories = append(a.Categories, c)
		}
	}
	return a, nil
}

// dateLayouts are tried in order. Dates without a zone are UTC: that is
// what WordPress's *_gmt fields mean, and a guess is needed for the rest.
var dateLayouts = []string{
	time.RFC3339Nano,
	"2006-01-02T15:04:05Z0700", // RFC 3339 without the colon in the offset
	"2006-01-02T15:04:05",      // WordPress
	"2006-01-02 15:04:05",
	time.DateOnly,
}

// parseDate reads a date in any of dateLayouts; "" is the zero time.
func parseDate(s string) (time.Time, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return time.Time{}, nil
	}
	for _, layout := range dateLayouts {
		if t, err := time.Parse(layout, s); err == nil {
			return t, nil
		}
	}
	return time.Time{}, fmt.Errorf("unrecognized date %q; want RFC 3339, 2006-01-02T15:04:05 or 2006-01-02", s)
}

// inlineText turns a short HTML string (a WordPress title, an author or a
// category name) into one line of plain text: tags stripped, entities
// decoded ("l&#8217;été" -> "l’été").
func inlineText(s string) string {
	var parts []string
	for _, b := range Extract(s, Rules{}) {
		parts = append(parts, strings.ReplaceAll(b.Text, "\n", " "))
	}
	return strings.Join(parts, " ")
}
