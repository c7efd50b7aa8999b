// Package article fetches news articles from a site's CMS (a folder of JSON
// files, the WordPress REST API, a generic JSON API) and extracts the text a
// listener should hear from their HTML.
package article

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// Article is one news article as the CMS publishes it.
type Article struct {
	ID        string    `json:"id"`
	Title     string    `json:"title"`
	Author    string    `json:"author,omitempty"`
	Published time.Time `json:"published,omitzero"`
	Modified  time.Time `json:"modified,omitzero"`
	URL       string    `json:"url,omitempty"`
	// HTML is the article body; Text is used instead when a source only
	// has plain text (paragraphs separated by blank lines).
	HTML       string   `json:"-"`
	Text       string   `json:"-"`
	Categories []string `json:"categories,omitempty"`
}

// Source fetches articles by ID.
type Source interface {
	Article(ctx context.Context, id string) (*Article, error)
}

var (
	// ErrNotFound: the source has no article with that ID.
	ErrNotFound = errors.New("article not found")
	// ErrNotPublic: the source has the article but does not show it to
	// the public (HTTP 401 or 403: a draft, a private or trashed post). It
	// is also ErrNotFound: to a listener the article does not exist.
	ErrNotPublic = fmt.Errorf("%w: not public", ErrNotFound)
	// ErrExcluded: the source shows the article but says it gets no audio
	// (the WordPress plugin's excluded categories, its "Pas d'audio"
	// switch). It is also ErrNotFound, so audio stored before is taken
	// down as for an unpublished article.
	ErrExcluded = fmt.Errorf("%w: excluded from audio by the source", ErrNotFound)
	// ErrUnavailable: the source could not be reached or answered badly.
	ErrUnavailable = errors.New("article source unavailable")
	// ErrTimeout: the source did not answer in time. It comes with
	// ErrUnavailable, so stored audio is still served meanwhile.
	ErrTimeout = errors.New("article source timed out")
	// ErrInvalidID: the ID is not one ecouter accepts.
	ErrInvalidID = errors.New("invalid article id")
	// ErrEmpty: the source answered an article with nothing to read, such
	// as a title that is only markup. Sources wrap it in ErrUnavailable
	// too, so stored audio keeps being served; its status comes first.
	ErrEmpty = errors.New("article has no readable title or text")
)
