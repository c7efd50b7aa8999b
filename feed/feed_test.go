package feed

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/mmcdole/gofeed"

	"ecouter/feed/feedtest"
)

var update = flag.Bool("update", false, "rewrite the golden files")

const selfURL = "https://audio.exemple-actu.fr/feed.xml"

func testConfig() Config {
	return Config{
		Title: "L'Écho de Nantes & environs", Description: "Les articles du jour, lus à voix haute.",
		Author: "L'Écho de Nantes", Email: "podcast@exemple-actu.fr", Category: "News/Daily News",
		Link: "https://www.exemple-actu.fr/", Explicit: false,
	}
}

func testItems() []Item {
	base := "https://audio.exemple-actu.fr/v1/articles/"
	return []Item{
		{
			ID: "tramway-nantes", Title: "Le tramway <enfin> prolongé", Author: "Claire Martin",
			Link:      "https://www.exemple-actu.fr/tramway?x=1&y=2",
			Published: time.Date(2026, 3, 2, 8, 0, 0, 0, time.UTC), Updated: time.Date(2026, 3, 2, 9, 15, 0, 0, time.UTC),
			Excerpt:  []string{"La ligne 1 ira jusqu'à Carquefou.", "Les travaux « commencent » lundi & dureront 2 ans."},
			AudioURL: base + "tramway-nantes/audio.mp3?v=abc123", Size: 4434567, Duration: 554.49,
			Transcript: base + "tramway-nantes/transcript.vtt", Chapters: base + "tramway-nantes/chapters.json",
		},
		{
			ID: "breve", Title: "Brève", Updated: time.Date(2026, 3, 1, 7, 0, 0, 0, time.UTC),
			Excerpt:  []string{"Une seule phrase."},
			AudioURL: base + "breve/audio.mp3?v=def456", Size: 98765, Duration: 12.5,
			Transcript: base + "breve/transcript.vtt", Chapters: base + "breve/chapters.json",
		},
	}
}

func TestBuildGolden(t *testing.T) {
	got, err := Build(testConfig(), selfURL, testItems())
	if err != nil {
		t.Fatal(err)
	}
	golden := filepath.Join("testdata", "feed.golden.xml")
	if *update {
		if err := os.WriteFile(golden, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("feed differs from %s (go test ./feed -update to refresh):\n%s", golden, got)
	}
	again, _ := Build(testConfig(), selfURL, testItems())
	if !bytes.Equal(got, again) {
		t.Error("the same items give different bytes")
	}
}

// TestBuildParsedByGofeed reads the feed back with a real parser, iTunes
// extension included.
func TestBuildParsedByGofeed(t *testing.T) {
	b, err := Build(testConfig(), selfURL, testItems())
	if err != nil {
		t.Fatal(err)
	}
	f, err := gofeed.NewParser().ParseString(string(b))
	if err != nil {
		t.Fatal(err)
	}
	if f.FeedType != "rss" || f.Title != "L'Écho de Nantes & environs" || f.Language != "fr" || f.FeedLink != selfURL {
		t.Fatalf("channel read back: type %s, title %q, language %q, self %q", f.FeedType, f.Title, f.Language, f.FeedLink)
	}
	it := f.ITunesExt
	if it == nil || it.Author != "L'Écho de Nantes" || it.Explicit != "false" || it.Image != "https://audio.exemple-actu.fr/cover.png" || it.Type != "episodic" {
		t.Fatalf("itunes channel extension: %+v", it)
	}
	if it.Owner == nil || it.Owner.Email != "podcast@exemple-actu.fr" {
		t.Fatalf("itunes:owner: %+v", it.Owner)
	}
	if len(it.Categories) != 1 || it.Categories[0].Text != "News" || it.Categories[0].Subcategory == nil || it.Categories[0].Subcategory.Text != "Daily News" {
		t.Fatalf("itunes:category: %+v", it.Categories)
	}
	if len(f.Items) != 2 {
		t.Fatalf("%d items, want 2", len(f.Items))
	}
	first := f.Items[0]
	if first.Title != "Le tramway <enfin> prolongé" || first.GUID != "ecouter:tramway-nantes" || first.Link != "https://www.exemple-actu.fr/tramway?x=1&y=2" {
		t.Fatalf("item: title %q guid %q link %q", first.Title, first.GUID, first.Link)
	}
	if first.ITunesExt == nil || first.ITunesExt.Duration != "554" || first.ITunesExt.EpisodeType != "full" || first.ITunesExt.Author != "Claire Martin" {
		t.Fatalf("itunes item extension: %+v", first.ITunesExt)
	}
	if len(first.Enclosures) != 1 || first.Enclosures[0].Length != "4434567" || first.Enclosures[0].Type != "audio/mpeg" {
		t.Fatalf("enclosure: %+v", first.Enclosures)
	}
	if !strings.Contains(first.Content, "<p>Les travaux « commencent » lundi &amp; dureront 2 ans.</p>") {
		t.Fatalf("content:encoded: %q", first.Content)
	}
	if first.PublishedParsed == nil || !first.PublishedParsed.Equal(time.Date(2026, 3, 2, 8, 0, 0, 0, time.UTC)) {
		t.Fatalf("pubDate: %v", first.PublishedParsed)
	}
	pod := f.Extensions["podcast"]
	if g := pod["guid"]; len(g) != 1 || g[0].Value != PodcastGUID(selfURL) {
		t.Fatalf("podcast:guid: %+v", g)
	}
	tr := first.Extensions["podcast"]["transcript"]
	if len(tr) != 1 || tr[0].Attrs["type"] != "text/vtt" || !strings.HasSuffix(tr[0].Attrs["url"], "/transcript.vtt") {
		t.Fatalf("podcast:transcript: %+v", tr)
	}
	ch := first.Extensions["podcast"]["chapters"]
	if len(ch) != 1 || ch[0].Attrs["type"] != "application/json+chapters" {
		t.Fatalf("podcast:chapters: %+v", ch)
	}
}

// TestBuildStructure checks the rules apps enforce, on the raw XML.
func TestBuildStructure(t *testing.T) {
	b, err := Build(testConfig(), selfURL, testItems())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := feedtest.Check(b, true); err != nil {
		t.Fatal(err)
	}
	// The checker is not blind: each broken rule fails it.
	for name, bad := range map[string][2]string{
		"zero length":   {`length="98765"`, `length="0"`},
		"http urls":     {"https://audio.", "http://audio."},
		"no duration":   {"<itunes:duration>13</itunes:duration>", ""},
		"permalink":     {`isPermaLink="false">ecouter:breve`, `isPermaLink="true">ecouter:breve`},
		"bad pubDate":   {"Sun, 01 Mar 2026 07:00:00 +0000</pubDate>", "2026-03-01</pubDate>"},
		"no namespace":  {`xmlns:podcast="https://podcastindex.org/namespace/1.0"`, `xmlns:podcast="urn:x"`},
		"chapters type": {`type="application/json+chapters"`, `type="application/json"`},
	} {
		broken := bytes.ReplaceAll(b, []byte(bad[0]), []byte(bad[1]))
		if bytes.Equal(broken, b) {
			t.Fatalf("%s: %q not in the feed", name, bad[0])
		}
		if _, err := feedtest.Check(broken, true); err == nil {
			t.Errorf("%s passes the checker", name)
		}
	}
}

func TestBuildEmptyAndDefaults(t *testing.T) {
	b, err := Build(Config{}, "http://localhost:8080/feed.xml", nil)
	if err != nil {
		t.Fatal(err)
	}
	f, err := feedtest.Check(b, false)
	if err != nil {
		t.Fatal(err)
	}
	c := f.Channel
	if c.Title != DefaultTitle || c.Language != "fr" || c.Link != "http://localhost:8080" || len(c.Items) != 0 {
		t.Fatalf("empty feed: %+v", c)
	}
	if !bytes.Contains(b, []byte(`<itunes:image href="http://localhost:8080/cover.png">`)) {
		t.Fatalf("default cover not linked:\n%s", b)
	}
}

func TestDurationRounded(t *testing.T) {
	for _, c := range []struct {
		secs float64
		want string
	}{{0.4, "0"}, {59.5, "60"}, {554.49, "554"}, {3600.2, "3600"}} {
		if got := item(Item{Duration: c.secs}).Duration; got != c.want {
			t.Errorf("duration %.2f s: %s, want %s", c.secs, got, c.want)
		}
	}
}

func TestConfigValidate(t *testing.T) {
	bad := Config{Image: "cover.png", Link: "ftp://x", Email: "nobody", Limit: -1}
	err := bad.Validate()
	for _, name := range []string{"ECOUTER_FEED_IMAGE", "ECOUTER_FEED_LINK", "ECOUTER_FEED_EMAIL", "ECOUTER_FEED_LIMIT"} {
		if err == nil || !strings.Contains(err.Error(), name) {
			t.Errorf("Validate does not name %s: %v", name, err)
		}
	}
	if err := testConfig().Validate(); err != nil {
		t.Fatal(err)
	}
}
