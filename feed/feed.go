// Package feed builds what podcast apps read: the RSS 2.0 feed with the
// iTunes and Podcasting 2.0 namespaces, JSON chapters, the podcast GUID
// and a default cover image, values in, bytes out; and Cache, which keeps
// the feeds built over a listing of episodes until the listing changes.
package feed

import (
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"
)

// Config is the show as a whole, from ECOUTER_FEED_* settings.
type Config struct {
	Title       string
	Description string
	Author      string // itunes:author, e.g. the newspaper
	Email       string // itunes:owner, who Apple and Spotify write to
	Image       string // cover URL; empty: ecouter's own /cover.png
	Category    string // Apple category, "News" or "News/Daily News"
	Link        string // the site's home page; empty: the public URL
	Language    string
	Explicit    bool
	Limit       int // items in the feed, newest first
}

// Default values for what Config leaves empty.
const (
	DefaultTitle    = "ecouter"
	DefaultLanguage = "fr"
	DefaultCategory = "News"
	DefaultLimit    = 50
	MaxLimit        = 1000
)

// WithDefaults fills the empty fields.
func (c Config) WithDefaults() Config {
	if c.Title == "" {
		c.Title = DefaultTitle
	}
	if c.Description == "" {
		c.Description = "Les articles " + ofName(c.Title) + ", à écouter."
	}
	if c.Author == "" {
		c.Author = c.Title
	}
	if c.Language == "" {
		c.Language = DefaultLanguage
	}
	if c.Category == "" {
		c.Category = DefaultCategory
	}
	if c.Limit <= 0 {
		c.Limit = DefaultLimit
	}
	return c
}

// Validate checks the fields that have a syntax.
func (c Config) Validate() error {
	var errs []error
	for _, f := range []struct{ name, v string }{
		{"ECOUTER_FEED_IMAGE", c.Image}, {"ECOUTER_FEED_LINK", c.Link},
	} {
		if f.v == "" {
			continue
		}
		if u, err := url.Parse(f.v); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			errs = append(errs, fmt.Errorf("%s=%q: want an absolute http(s) URL", f.name, f.v))
		}
	}
	if c.Email != "" && (!strings.Contains(c.Email, "@") || strings.ContainsAny(c.Email, " <>")) {
		errs = append(errs, fmt.Errorf("ECOUTER_FEED_EMAIL=%q: want an address such as podcast@example.fr", c.Email))
	}
	if c.Limit < 0 || c.Limit > MaxLimit {
		errs = append(errs, fmt.Errorf("ECOUTER_FEED_LIMIT=%d: want 1 to %d", c.Limit, MaxLimit))
	}
	return errors.Join(errs...)
}

// Item is one episode: a rendered article and its public URLs.
type Item struct {
	ID        string // article ID, the base of the episode's guid
	Title     string
	Author    string
	Link      string    // the article's page
	Published time.Time // the article's date (pubDate)
	Updated   time.Time // when this audio was rendered

	Excerpt    []string // paragraphs of the description
	AudioURL   string   // versioned: changes with every new audio
	Size       int64    // bytes of the MP3
	Duration   float64  // seconds
	Transcript string   // WebVTT URL
	Chapters   string   // JSON chapters URL
}

// GUID is the episode's guid: the article ID alone, so that re-renders,
// new URLs or a moved feed never make apps list the episode twice.
func (it Item) GUID() string { return "ecouter:" + it.ID }
