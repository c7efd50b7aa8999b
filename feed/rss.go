package feed

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"html"
	"math"
	"strconv"
	"strings"
	"time"
)

// Namespaces declared on <rss>.
const (
	nsITunes  = "http://www.itunes.com/dtds/podcast-1.0.dtd"
	nsPodcast = "https://podcastindex.org/namespace/1.0"
	nsContent = "http://purl.org/rss/1.0/modules/content/"
	nsAtom    = "http://www.w3.org/2005/Atom"
)

// ContentType is the feed's media type.
const ContentType = "application/rss+xml; charset=utf-8"

// Build writes the RSS 2.0 feed of items, in the order given (newest
// first), for the feed served at selfURL. cfg.Image is the cover's
// absolute URL. lastBuildDate is the newest item's render time, so the
// same items always give the same bytes.
func Build(cfg Config, selfURL string, items []Item) ([]byte, error) {
	cfg = cfg.WithDefaults()
	if cfg.Link == "" {
		cfg.Link = origin(selfURL)
	}
	if cfg.Image == "" {
		cfg.Image = origin(selfURL) + "/cover.png"
	}
	var built time.Time
	for _, it := range items {
		if it.Updated.After(built) {
			built = it.Updated
		}
	}
	ch := channel{
		Title:       cfg.Title,
		Link:        cfg.Link,
		Description: cfg.Description,
		Language:    cfg.Language,
		Generator:   "ecouter",
		Self:        atomLink{Href: selfURL, Rel: "self", Type: "application/rss+xml"},
		Author:      cfg.Author,
		Owner:       owner{Name: cfg.Author, Email: cfg.Email},
		Image:       hrefAttr{Href: cfg.Image},
		RSSImage:    rssImage{URL: cfg.Image, Title: cfg.Title, Link: cfg.Link},
		Category:    category(cfg.Category),
		Explicit:    strconv.FormatBool(cfg.Explicit),
		Type:        "episodic",
		GUID:        PodcastGUID(selfURL),
		Locked:      locked{Owner: cfg.Email, Value: "yes"},
	}
	if !built.IsZero() {
		ch.LastBuild = built.UTC().Format(time.RFC1123Z)
	}
	for _, it := range items {
		ch.Items = append(ch.Items, item(it))
	}
	doc := rss{
		Version: "2.0", ITunes: nsITunes, Podcast: nsPodcast, Content: nsContent, Atom: nsAtom,
		Channel: ch,
	}
	var buf bytes.Buffer
	buf.WriteString(xml.Header)
	enc := xml.NewEncoder(&buf)
	enc.Indent("", "  ")
	if err := enc.Encode(doc); err != nil {
		return nil, fmt.Errorf("encode feed: %w", err)
	}
	buf.WriteByte('\n')
	return buf.Bytes(), nil
}

func item(it Item) rssItem {
	var desc, content strings.Builder
	for i, p := range it.Excerpt {
		if i > 0 {
			desc.WriteString("\n\n")
		}
		desc.WriteString(p)
		content.WriteString("<p>" + html.EscapeString(p) + "</p>")
	}
	if it.Link != "" {
		content.WriteString(`<p><a href="` + html.EscapeString(it.Link) + `">Lire l’article</a></p>`)
	}
	out := rssItem{
		Title:       it.Title,
		Link:        it.Link,
		GUID:        guid{IsPermaLink: "false", Value: it.GUID()},
		Description: desc.String(),
		Content:     cdata{Value: content.String()},
		Enclosure:   enclosure{URL: it.AudioURL, Length: it.Size, Type: "audio/mpeg"},
		Author:      it.Author,
		// Whole seconds, rounded: apps show minutes anyway.
		Duration:    strconv.FormatInt(int64(math.Round(it.Duration)), 10),
		EpisodeType: "full",
		Transcript:  &podcastTranscript{URL: it.Transcript, Type: "text/vtt", Language: "fr"},
		Chapters:    &chapters{URL: it.Chapters, Type: ChaptersType},
	}
	// Articles without a date are dated by their audio.
	if date := it.Published; !date.IsZero() {
		out.PubDate = date.UTC().Format(time.RFC1123Z)
	} else if !it.Updated.IsZero() {
		out.PubDate = it.Updated.UTC().Format(time.RFC1123Z)
	}
	if it.Transcript == "" {
		out.Transcript = nil
	}
	if it.Chapters == "" {
		out.Chapters = nil
	}
	return out
}

// origin is scheme://host of u, where the feed's default links point.
func origin(u string) string {
	scheme, rest, ok := strings.Cut(u, "://")
	if !ok {
		return ""
	}
	host, _, _ := strings.Cut(rest, "/")
	return scheme + "://" + host
}

// category turns "News/Daily News" into an Apple category with its
// subcategory.
func category(s string) itunesCategory {
	top, sub, _ := strings.Cut(s, "/")
	c := itunesCategory{Text: strings.TrimSpace(top)}
	if sub = strings.TrimSpace(sub); sub != "" {
		c.Sub = &itunesCategory{Text: sub}
	}
	return c
}

// The feed's XML shape. encoding/xml writes prefixed names as given; the
// prefixes are declared on <rss>.
type rss struct {
	XMLName xml.Name `xml:"rss"`
	Version string   `xml:"version,attr"`
	ITunes  string   `xml:"xmlns:itunes,attr"`
	Podcast string   `xml:"xmlns:podcast,attr"`
	Content string   `xml:"xmlns:content,attr"`
	Atom    string   `xml:"xmlns:atom,attr"`
	Channel channel  `xml:"channel"`
}

type channel struct {
	Title       string         `xml:"title"`
	Link        string         `xml:"link"`
	Description string         `xml:"description"`
	Language    string         `xml:"language"`
	Generator   string         `xml:"generator"`
	LastBuild   string         `xml:"lastBuildDate,omitempty"`
	Self        atomLink       `xml:"atom:link"`
	RSSImage    rssImage       `xml:"image"`
	Author      string         `xml:"itunes:author"`
	Owner       owner          `xml:"itunes:owner"`
	Image       hrefAttr       `xml:"itunes:image"`
	Category    itunesCategory `xml:"itunes:category"`
	Explicit    string         `xml:"itunes:explicit"`
	Type        string         `xml:"itunes:type"`
	GUID        string         `xml:"podcast:guid"`
	Locked      locked         `xml:"podcast:locked"`
	Items       []rssItem      `xml:"item"`
}

type rssItem struct {
	Title       string             `xml:"title"`
	Link        string             `xml:"link,omitempty"`
	GUID        guid               `xml:"guid"`
	PubDate     string             `xml:"pubDate,omitempty"`
	Description string             `xml:"description"`
	Content     cdata              `xml:"content:encoded"`
	Enclosure   enclosure          `xml:"enclosure"`
	Author      string             `xml:"itunes:author,omitempty"`
	Duration    string             `xml:"itunes:duration"`
	EpisodeType string             `xml:"itunes:episodeType"`
	Transcript  *podcastTranscript `xml:"podcast:transcript"`
	Chapters    *chapters          `xml:"podcast:chapters"`
}

type atomLink struct {
	Href string `xml:"href,attr"`
	Rel  string `xml:"rel,attr"`
	Type string `xml:"type,attr"`
}

type rssImage struct {
	URL   string `xml:"url"`
	Title string `xml:"title"`
	Link  string `xml:"link"`
}

type owner struct {
	Name  string `xml:"itunes:name"`
	Email string `xml:"itunes:email,omitempty"`
}

type hrefAttr struct {
	Href string `xml:"href,attr"`
}

type itunesCategory struct {
	Text string          `xml:"text,attr"`
	Sub  *itunesCategory `xml:"itunes:category"`
}

type locked struct {
	Owner string `xml:"owner,attr,omitempty"`
	Value string `xml:",chardata"`
}

type guid struct {
	IsPermaLink string `xml:"isPermaLink,attr"`
	Value       string `xml:",chardata"`
}

type cdata struct {
	Value string `xml:",cdata"`
}

type enclosure struct {
	URL    string `xml:"url,attr"`
	Length int64  `xml:"length,attr"`
	Type   string `xml:"type,attr"`
}

type podcastTranscript struct {
	URL      string `xml:"url,attr"`
	Type     string `xml:"type,attr"`
	Language string `xml:"language,attr"`
}

type chapters struct {
	URL  string `xml:"url,attr"`
	Type string `xml:"type,attr"`
}
