package main

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"math"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/mmcdole/gofeed"

	"ecouter/audio"
	"ecouter/feed"
	"ecouter/feed/feedtest"
)

const feedPublicURL = "https://audio.exemple-actu.fr"

// renderNow renders articles through POST /v1/render?wait=1.
func renderNow(t *testing.T, base string, ids ...string) {
	t.Helper()
	body, _ := json.Marshal(map[string]any{"ids": ids})
	req, _ := http.NewRequest("POST", base+"/v1/render?wait=1", bytes.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+testKey)
	req.Header.Set("Content-Type", "application/json")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	if res.StatusCode != 200 || strings.Contains(string(b), `"failed"`) {
		t.Fatalf("render %v: %d %s", ids, res.StatusCode, b)
	}
}

func readFeed(t *testing.T, base string) (*feedtest.Feed, []byte, *http.Response) {
	t.Helper()
	res, body := get(t, base+"/feed.xml")
	if res.StatusCode != 200 || res.Header.Get("Content-Type") != "application/rss+xml; charset=utf-8" {
		t.Fatalf("feed: %d %s %s", res.StatusCode, res.Header.Get("Content-Type"), body)
	}
	f, err := feedtest.Check(body, true)
	if err != nil {
		t.Fatalf("feed breaks a rule: %v\n%s", err, body)
	}
	return f, body, res
}

// TestEndToEndFeed checks the feed against what the service really serves:
// lengths, durations of the decoded MP3s, https links, chapters,
// conditional requests, and a real feed parser.
func TestEndToEndFeed(t *testing.T) {
	dir := articleDir(t)
	srv := service(t, map[string]string{"ECOUTER_ARTICLES": "dir:" + dir, "ECOUTER_PUBLIC_URL": feedPublicURL})
	base := srv.URL
	local := func(u string) string { return strings.Replace(u, feedPublicURL, base, 1) }
	renderNow(t, base, "court", "autre")

	f, body, res := readFeed(t, base)
	// autre has no date: it is dated by its render, so it comes first.
	if n := len(f.Channel.Items); n != 2 || f.Channel.Items[0].GUID.Value != "ecouter:autre" || f.Channel.Items[1].GUID.Value != "ecouter:court" {
		t.Fatalf("%d items, first %q; want autre then court", n, f.Channel.Items[0].GUID.Value)
	}
	for _, it := range f.Channel.Items {
		res, mp3 := get(t, local(it.EnclosureURL()))
		if res.StatusCode != 200 || res.Header.Get("Content-Length") != strconv.FormatInt(it.EnclosureLength(), 10) {
			t.Fatalf("%s: %d, Content-Length %s, enclosure length %d", it.EnclosureURL(), res.StatusCode, res.Header.Get("Content-Length"), it.EnclosureLength())
		}
		clip, err := audio.DecodeMP3(bytes.NewReader(mp3))
		if err != nil {
			t.Fatal(err)
		}
		secs, _ := strconv.Atoi(it.Duration)
		if math.Abs(float64(secs)-clip.Seconds()) > 1 {
			t.Fatalf("%s: itunes:duration %ds, decoded MP3 %.2fs", it.GUID.Value, secs, clip.Seconds())
		}
		res, vtt := get(t, local(it.Transcript.URL))
		if res.StatusCode != 200 || !strings.HasPrefix(string(vtt), "WEBVTT") {
			t.Fatalf("transcript %s: %d", it.Transcript.URL, res.StatusCode)
		}
		res, chapters := get(t, local(it.Chapters.URL))
		if res.StatusCode != 200 || res.Header.Get("Content-Type") != feed.ChaptersType {
			t.Fatalf("chapters %s: %d %s", it.Chapters.URL, res.StatusCode, res.Header.Get("Content-Type"))
		}
		if err := feedtest.CheckChapters(chapters); err != nil {
			t.Fatalf("chapters %s: %v\n%s", it.Chapters.URL, err, chapters)
		}
	}
	// court has one heading: an introduction, then "Un budget maîtrisé".
	_, chapters := get(t, base+"/v1/articles/court/chapters.json")
	var ch struct {
		Chapters []struct {
			StartTime float64
			Title     string
		}
	}
	json.Unmarshal(chapters, &ch)
	if len(ch.Chapters) != 2 || ch.Chapters[1].Title != "Un budget maîtrisé" || ch.Chapters[1].StartTime < 3 {
		t.Fatalf("court chapters: %s", chapters)
	}

	// A real parser reads the iTunes extension back.
	pf, err := gofeed.NewParser().ParseString(string(body))
	if err != nil {
		t.Fatal(err)
	}
	if pf.ITunesExt == nil || pf.ITunesExt.Image != feedPublicURL+"/cover.png" || pf.ITunesExt.Explicit != "false" || pf.ITunesExt.Author == "" {
		t.Fatalf("itunes channel: %+v", pf.ITunesExt)
	}
	if it := pf.Items[1].ITunesExt; it == nil || it.Author != "Claire Martin" || it.Duration != f.Channel.Items[1].Duration {
		t.Fatalf("itunes item: %+v", it)
	}

	// Conditional requests.
	if r, _ := get(t, base+"/feed.xml", "If-None-Match", res.Header.Get("ETag")); r.StatusCode != http.StatusNotModified {
		t.Fatalf("feed If-None-Match: %d", r.StatusCode)
	}
	if r, _ := get(t, base+"/feed.xml", "If-Modified-Since", res.Header.Get("Last-Modified")); r.StatusCode != http.StatusNotModified {
		t.Fatalf("feed If-Modified-Since: %d", r.StatusCode)
	}

	// A re-render: same guid, new enclosure URL and length.
	edit(t, filepath.Join(dir, "court.json"), "Les commerçants restent ouverts.", "Les commerçants restent ouverts pendant toute la durée des travaux.")
	renderNow(t, base, "court")
	after, _, res2 := readFeed(t, base)
	was, now := f.Channel.Items[1], after.Channel.Items[1]
	if now.GUID != was.GUID || now.EnclosureURL() == was.EnclosureURL() || now.EnclosureLength() == was.EnclosureLength() {
		t.Fatalf("after re-render: guid %q -> %q, enclosure %s -> %s", was.GUID.Value, now.GUID.Value, was.EnclosureURL(), now.EnclosureURL())
	}
	if res2.Header.Get("ETag") == res.Header.Get("ETag") {
		t.Fatal("the feed's ETag did not change with its content")
	}
	if r, _ := get(t, local(now.EnclosureURL())); r.Header.Get("Content-Length") != strconv.FormatInt(now.EnclosureLength(), 10) {
		t.Fatalf("new enclosure: Content-Length %s, length %d", r.Header.Get("Content-Length"), now.EnclosureLength())
	}
}

func edit(t *testing.T, path, old, new string) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(b, []byte(old)) {
		t.Fatalf("%s has no %q", path, old)
	}
	if err := os.WriteFile(path, bytes.Replace(b, []byte(old), []byte(new), 1), 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestEndToEndDownloads(t *testing.T) {
	srv := service(t, map[string]string{"ECOUTER_ARTICLES": "dir:" + articleDir(t)})
	base := srv.URL
	res, mp3 := get(t, base+"/v1/articles/court/download")
	want := `attachment; filename="La-mairie-renove-la-place-du-marche.mp3"; filename*=UTF-8''La%20mairie%20r%C3%A9nove%20la%20place%20du%20march%C3%A9.mp3`
	if res.StatusCode != 200 || res.Header.Get("Content-Disposition") != want {
		t.Fatalf("download: %d, Content-Disposition %s", res.StatusCode, res.Header.Get("Content-Disposition"))
	}
	if res.Header.Get("Accept-Ranges") != "bytes" || res.Header.Get("Content-Length") != strconv.Itoa(len(mp3)) {
		t.Fatalf("download headers: %v", res.Header)
	}
	res, part := get(t, base+"/v1/articles/court/download", "Range", "bytes=0-99")
	if res.StatusCode != http.StatusPartialContent || !bytes.Equal(part, mp3[:100]) {
		t.Fatalf("download range: %d", res.StatusCode)
	}

	renderNow(t, base, "autre")
	res, body := get(t, base+"/v1/downloads?ids=court,autre")
	if res.StatusCode != 200 || res.Header.Get("Content-Type") != "application/zip" {
		t.Fatalf("zip: %d %s", res.StatusCode, body)
	}
	zr, err := zip.NewReader(bytes.NewReader(body), int64(len(body)))
	if err != nil {
		t.Fatal(err)
	}
	if len(zr.File) != 2 {
		t.Fatalf("%d files in the zip, want 2", len(zr.File))
	}
	for _, zf := range zr.File {
		rc, err := zf.Open()
		if err != nil {
			t.Fatal(err)
		}
		data, err := io.ReadAll(rc)
		rc.Close()
		if err != nil {
			t.Fatal(err)
		}
		clip, err := audio.DecodeMP3(bytes.NewReader(data))
		if err != nil || clip.Seconds() < 2 {
			t.Fatalf("%s: %.1fs, %v", zf.Name, clip.Seconds(), err)
		}
	}
	if !bytes.Equal(mustRead(t, zr.File[0]), mp3) {
		t.Fatal("the zip's first MP3 is not the downloaded one")
	}
}

func mustRead(t *testing.T, zf *zip.File) []byte {
	t.Helper()
	rc, err := zf.Open()
	if err != nil {
		t.Fatal(err)
	}
	defer rc.Close()
	b, err := io.ReadAll(rc)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestRenderRecent is ecouter render --recent: the newest article of the
// folder is rendered, the older one is not.
func TestRenderRecent(t *testing.T) {
	env := map[string]string{"ECOUTER_STORE": t.TempDir(), "ECOUTER_ARTICLES": "dir:" + articleDir(t)}
	cfg, err := LoadConfig(func(k string) string { return env[k] })
	if err != nil {
		t.Fatal(err)
	}
	a, err := build(context.Background(), cfg, slog.New(slog.NewTextHandler(io.Discard, nil)), nil)
	if err != nil {
		t.Fatal(err)
	}
	var out, errOut bytes.Buffer
	if err := renderRecent(context.Background(), a, 1, "", &out, &errOut); err != nil {
		t.Fatalf("%v\n%s", err, errOut.String())
	}
	if !strings.HasPrefix(out.String(), "court: ") || !strings.Contains(errOut.String(), "1/1 articles") {
		t.Fatalf("output %q %q", out.String(), errOut.String())
	}
	if _, err := a.renders.Archive().Manifest(context.Background(), "court"); err != nil {
		t.Fatalf("court not rendered: %v", err)
	}
	if _, err := a.renders.Archive().Manifest(context.Background(), "autre"); err == nil {
		t.Fatal("autre rendered though only the most recent was asked for")
	}
}
