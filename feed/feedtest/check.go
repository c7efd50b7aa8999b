// Package feedtest reads a podcast feed back and checks it against the
// rules podcast apps enforce, for ecouter's tests at every level.
package feedtest

import (
	"encoding/xml"
	"errors"
	"fmt"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"time"
)

const (
	nsITunes  = "http://www.itunes.com/dtds/podcast-1.0.dtd"
	nsPodcast = "https://podcastindex.org/namespace/1.0"
	nsContent = "http://purl.org/rss/1.0/modules/content/"
	nsAtom    = "http://www.w3.org/2005/Atom"
)

// Feed is a parsed feed. Namespaced elements are matched by namespace
// URI, so a prefix declared wrongly reads as missing.
type Feed struct {
	XMLName xml.Name `xml:"rss"`
	Version string   `xml:"version,attr"`
	Channel Channel  `xml:"channel"`
}

// Channel is the feed's <channel>.
type Channel struct {
	// Before Link: encoding/xml gives an element to the first field
	// that matches, and "link" alone matches atom:link too.
	Self []struct {
		Href string `xml:"href,attr"`
		Rel  string `xml:"rel,attr"`
		Type string `xml:"type,attr"`
	} `xml:"http://www.w3.org/2005/Atom link"`
	Title       string `xml:"title"`
	Link        string `xml:"link"`
	Description string `xml:"description"`
	Language    string `xml:"language"`
	LastBuild   string `xml:"lastBuildDate"`
	Author      string `xml:"http://www.itunes.com/dtds/podcast-1.0.dtd author"`
	Owner       struct {
		Name  string `xml:"http://www.itunes.com/dtds/podcast-1.0.dtd name"`
		Email string `xml:"http://www.itunes.com/dtds/podcast-1.0.dtd email"`
	} `xml:"http://www.itunes.com/dtds/podcast-1.0.dtd owner"`
	Image struct {
		Href string `xml:"href,attr"`
	} `xml:"http://www.itunes.com/dtds/podcast-1.0.dtd image"`
	Category []struct {
		Text string `xml:"text,attr"`
	} `xml:"http://www.itunes.com/dtds/podcast-1.0.dtd category"`
	Explicit string `xml:"http://www.itunes.com/dtds/podcast-1.0.dtd explicit"`
	Type     string `xml:"http://www.itunes.com/dtds/podcast-1.0.dtd type"`
	GUID     string `xml:"https://podcastindex.org/namespace/1.0 guid"`
	Locked   string `xml:"https://podcastindex.org/namespace/1.0 locked"`
	Items    []Item `xml:"item"`
}

// Item is one <item>.
type Item struct {
	Title string `xml:"title"`
	Link  string `xml:"link"`
	GUID  struct {
		IsPermaLink string `xml:"isPermaLink,attr"`
		Value       string `xml:",chardata"`
	} `xml:"guid"`
	PubDate     string `xml:"pubDate"`
	Description string `xml:"description"`
	Content     string `xml:"http://purl.org/rss/1.0/modules/content/ encoded"`
	Enclosure   []struct {
		URL    string `xml:"url,attr"`
		Length string `xml:"length,attr"`
		Type   string `xml:"type,attr"`
	} `xml:"enclosure"`
	Duration    string `xml:"http://www.itunes.com/dtds/podcast-1.0.dtd duration"`
	EpisodeType string `xml:"http://www.itunes.com/dtds/podcast-1.0.dtd episodeType"`
	Transcript  Link   `xml:"https://podcastindex.org/namespace/1.0 transcript"`
	Chapters    Link   `xml:"https://podcastindex.org/namespace/1.0 chapters"`
}

// Link is an element whose url and type are attributes.
type Link struct {
	URL  string `xml:"url,attr"`
	Type string `xml:"type,attr"`
}

// EnclosureURL is the item's audio URL ("" without an enclosure).
func (it Item) EnclosureURL() string {
	if len(it.Enclosure) == 0 {
		return ""
	}
	return it.Enclosure[0].URL
}

// EnclosureLength is the enclosure's length attribute as a number.
func (it Item) EnclosureLength() int64 {
	if len(it.Enclosure) == 0 {
		return -1
	}
	n, _ := strconv.ParseInt(it.Enclosure[0].Length, 10, 64)
	return n
}

// Check parses b and checks every rule of ecouter's feed. With https, every
// URL ecouter hands out must be https.
func Check(b []byte, https bool) (*Feed, error) {
	var f Feed
	if err := xml.Unmarshal(b, &f); err != nil {
		return nil, fmt.Errorf("feed is not well-formed XML: %w", err)
	}
	for _, ns := range []string{nsITunes, nsPodcast, nsContent, nsAtom} {
		if !strings.Contains(string(b), `="`+ns+`"`) {
			return nil, fmt.Errorf("namespace %s not declared", ns)
		}
	}
	var errs []error
	fail := func(format string, a ...any) { errs = append(errs, fmt.Errorf(format, a...)) }
	abs := func(what, u string) {
		p, err := url.Parse(u)
		switch {
		case u == "" || err != nil || p.Host == "" || (p.Scheme != "http" && p.Scheme != "https"):
			fail("%s %q: not an absolute http(s) URL", what, u)
		case https && p.Scheme != "https":
			fail("%s %q: not https", what, u)
		}
	}
	c := f.Channel
	if f.Version != "2.0" {
		fail("rss version %q", f.Version)
	}
	for what, v := range map[string]string{
		"title": c.Title, "description": c.Description, "language": c.Language,
		"itunes:author": c.Author, "itunes:owner/itunes:name": c.Owner.Name,
	} {
		if strings.TrimSpace(v) == "" {
			fail("channel has no %s", what)
		}
	}
	abs("channel link", c.Link)
	abs("itunes:image", c.Image.Href)
	if len(c.Category) == 0 || c.Category[0].Text == "" {
		fail("no itunes:category")
	}
	if c.Explicit != "true" && c.Explicit != "false" {
		fail("itunes:explicit %q: want true or false", c.Explicit)
	}
	if c.Type != "episodic" && c.Type != "serial" {
		fail("itunes:type %q", c.Type)
	}
	if !uuidV5.MatchString(c.GUID) {
		fail("podcast:guid %q is no UUIDv5", c.GUID)
	}
	if c.Locked != "yes" && c.Locked != "no" {
		fail("podcast:locked %q", c.Locked)
	}
	self := false
	for _, l := range c.Self {
		if l.Rel == "self" {
			self = true
			abs("atom:link rel=self", l.Href)
		}
	}
	if !self {
		fail("no atom:link rel=self")
	}
	if len(c.Items) > 0 {
		date("lastBuildDate", c.LastBuild, fail)
	}
	guids := map[string]bool{}
	for i, it := range c.Items {
		at := fmt.Sprintf("item %d (%s)", i, it.GUID.Value)
		if strings.TrimSpace(it.Title) == "" {
			fail("%s: no title", at)
		}
		if it.Link != "" {
			// The article's own page: the site's scheme, not ecouter's.
			if u, err := url.Parse(it.Link); err != nil || u.Host == "" {
				fail("%s: link %q not absolute", at, it.Link)
			}
		}
		if it.GUID.Value == "" || it.GUID.IsPermaLink != "false" || guids[it.GUID.Value] {
			fail("%s: guid %q isPermaLink=%q (want unique, isPermaLink=false)", at, it.GUID.Value, it.GUID.IsPermaLink)
		}
		guids[it.GUID.Value] = true
		date(at+" pubDate", it.PubDate, fail)
		if len(it.Enclosure) != 1 {
			fail("%s: %d enclosures, want 1", at, len(it.Enclosure))
		} else {
			abs(at+" enclosure", it.Enclosure[0].URL)
			if it.EnclosureLength() <= 0 {
				fail("%s: enclosure length %q", at, it.Enclosure[0].Length)
			}
			if it.Enclosure[0].Type != "audio/mpeg" {
				fail("%s: enclosure type %q", at, it.Enclosure[0].Type)
			}
		}
		if n, err := strconv.Atoi(it.Duration); err != nil || n <= 0 {
			fail("%s: itunes:duration %q: want whole seconds", at, it.Duration)
		}
		if it.EpisodeType != "full" {
			fail("%s: itunes:episodeType %q", at, it.EpisodeType)
		}
		if it.Content == "" || it.Description == "" {
			fail("%s: no description or content:encoded", at)
		}
		abs(at+" podcast:transcript", it.Transcript.URL)
		if it.Transcript.Type != "text/vtt" {
			fail("%s: podcast:transcript type %q", at, it.Transcript.Type)
		}
		abs(at+" podcast:chapters", it.Chapters.URL)
		if it.Chapters.Type != "application/json+chapters" {
			fail("%s: podcast:chapters type %q", at, it.Chapters.Type)
		}
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	return &f, nil
}

var uuidV5 = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)

// date checks an RFC 2822 date as RSS wants it.
func date(what, v string, fail func(string, ...any)) {
	if _, err := time.Parse(time.RFC1123Z, v); err != nil {
		fail("%s %q: not an RFC 2822 date", what, v)
	}
}
