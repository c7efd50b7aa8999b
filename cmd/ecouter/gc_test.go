package main

import (
	"bytes"
	"context"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// ecouter gc, as an operator runs it: a dry run lists the superseded MP3,
// the real run removes it and says how much it freed; the current audio
// stays.
func TestGCCommand(t *testing.T) {
	dir := articleDir(t)
	env := map[string]string{"ECOUTER_ARTICLES": "dir:" + dir, "ECOUTER_STORE": t.TempDir()}
	getenv := func(k string) string { return env[k] }
	ctx := context.Background()
	var out, errOut bytes.Buffer
	if err := run(ctx, []string{"render", "autre"}, getenv, &out, &errOut); err != nil {
		t.Fatalf("render: %v\n%s", err, errOut.String())
	}
	edited := `{"title": "Un second article", "text": "Une phrase changée.\n\nEt un deuxième paragraphe."}`
	if err := os.WriteFile(filepath.Join(dir, "autre.json"), []byte(edited), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := run(ctx, []string{"render", "autre"}, getenv, &out, &errOut); err != nil {
		t.Fatalf("render after the edit: %v\n%s", err, errOut.String())
	}
	mp3s := func() []string {
		m, _ := filepath.Glob(filepath.Join(env["ECOUTER_STORE"], "articles", "autre", "*.mp3"))
		return m
	}
	if n := len(mp3s()); n != 2 {
		t.Fatalf("%d MP3s after an edit, want 2 (the previous one kept for ECOUTER_KEEP_PREVIOUS)", n)
	}

	env["ECOUTER_KEEP_PREVIOUS"] = "0s"
	out.Reset()
	if err := run(ctx, []string{"gc", "--dry-run"}, getenv, &out, &errOut); err != nil {
		t.Fatalf("gc --dry-run: %v\n%s", err, errOut.String())
	}
	if !strings.Contains(out.String(), "would remove articles/autre/") || !strings.Contains(out.String(), "superseded") ||
		len(mp3s()) != 2 {
		t.Fatalf("gc --dry-run printed %q and left %d MP3s", out.String(), len(mp3s()))
	}
	out.Reset()
	if err := run(ctx, []string{"gc"}, getenv, &out, &errOut); err != nil {
		t.Fatalf("gc: %v\n%s", err, errOut.String())
	}
	// The previous MP3 goes with its segment index.
	if !strings.Contains(out.String(), "removed 2 blobs") || !strings.Contains(out.String(), ".runs.json") ||
		strings.Contains(out.String(), " 0 bytes freed") || len(mp3s()) != 1 {
		t.Fatalf("gc printed %q and left %d MP3s", out.String(), len(mp3s()))
	}
	out.Reset()
	if err := run(ctx, []string{"render", "-o", filepath.Join(t.TempDir(), "a.mp3"), "autre"}, getenv, &out, &errOut); err != nil {
		t.Fatalf("the current render after gc: %v", err)
	}
	if err := run(ctx, []string{"gc", "extra"}, getenv, &out, &errOut); err == nil {
		t.Fatal("gc took an argument")
	}
}

func TestCollectionSettings(t *testing.T) {
	load := func(env map[string]string) (Config, error) {
		return LoadConfig(func(k string) string { return env[k] })
	}
	cfg, err := load(nil)
	if err != nil || cfg.KeepPrevious.String() != "1h0m0s" || cfg.SentenceCacheMax != 2_000_000_000 || cfg.GCInterval.String() != "10m0s" {
		t.Fatalf("defaults: %v %v %d %v", err, cfg.KeepPrevious, cfg.SentenceCacheMax, cfg.GCInterval)
	}
	for v, want := range map[string]int64{"0": 0, "500MB": 500_000_000, "1.5GB": 1_500_000_000, "4096": 4096} {
		cfg, err := load(map[string]string{"ECOUTER_SENTENCE_CACHE_MAX": v})
		if err != nil || cfg.SentenceCacheMax != want || cfg.renderConfig().SentenceCacheMax != want {
			t.Errorf("ECOUTER_SENTENCE_CACHE_MAX=%s: %d (%v), want %d", v, cfg.SentenceCacheMax, err, want)
		}
	}
	_, err = load(map[string]string{"ECOUTER_SENTENCE_CACHE_MAX": "lots", "ECOUTER_KEEP_PREVIOUS": "-1h", "ECOUTER_GC_INTERVAL": "0s"})
	for _, name := range []string{"ECOUTER_SENTENCE_CACHE_MAX", "ECOUTER_KEEP_PREVIOUS", "ECOUTER_GC_INTERVAL"} {
		if err == nil || !strings.Contains(err.Error(), name) {
			t.Errorf("a bad %s is not reported: %v", name, err)
		}
	}
}

// The start-up log names every setting, so an operator sees what runs.
func TestStartupLogListsEverySetting(t *testing.T) {
	cfg, err := LoadConfig(func(string) string { return "" })
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	slog.New(slog.NewTextHandler(&buf, nil)).Info("start", "config", cfg)
	for _, key := range []string{
		"addr", "articles", "synth", "voice", "store", "s3_path_style", "api_key", "public_url", "article_ttl",
		"site_name", "lexicon", "skip_elements", "skip_classes", "mp3_bitrate", "mp3_rate", "mp3_vbr",
		"pauses.sentence", "pauses.paragraph", "pauses.heading", "pauses.title", "workers", "encoders", "max_renders",
		"max_chars", "keep_previous", "sentence_cache_max", "gc_interval", "allowed_origins",
		"feed.title", "feed.limit", "log_level", "log_format", "espeak.speed", "espeak.pitch", "espeak.max_sentence",
	} {
		if !strings.Contains(buf.String(), "config."+key+"=") {
			t.Errorf("the start-up log does not show %s: %s", key, buf.String())
		}
	}
}
