package article

import (
	"context"
	"errors"
	"os"
	"strings"
	"testing"
	"testing/fstest"
)

func TestDir(t *testing.T) {
	wp, err := os.ReadFile("testdata/wordpress/post.json")
	if err != nil {
		t.Fatal(err)
	}
	fsys := fstest.MapFS{
		"simple.json":  {Data: []byte(`{"title":"Titre","text":"Corps."}`)},
		"4812.json":    {Data: wp},
		"broken.json":  {Data: []byte(`{"title":`)},
		"huge.json":    {Data: []byte(`{"title":"x","text":"` + strings.Repeat("a", maxBodySize) + `"}`)},
		"folder.json/": {Mode: 0o755 | os.ModeDir},
		"secret":       {Data: []byte(`{"title":"not an article"}`)},
	}
	d := NewDir(fsys)
	ctx := context.Background()

	a, err := d.Article(ctx, "simple")
	if err != nil {
		t.Fatal(err)
	}
	if a.ID != "simple" || a.Title != "Titre" || a.Text != "Corps." {
		t.Errorf("simple: got %+v", *a)
	}

	a, err = d.Article(ctx, "4812")
	if err != nil {
		t.Fatal(err)
	}
	checkWordPressFixture(t, a)

	tests := []struct {
		id   string
		want error
	}{
		{"missing", ErrNotFound},
		{"broken", ErrUnavailable},
		{"huge", ErrUnavailable},
		{"folder", ErrUnavailable},
		{"../secret", ErrInvalidID},
		{"simple.json", ErrInvalidID},
		{"", ErrInvalidID},
	}
	for _, tt := range tests {
		_, err := d.Article(ctx, tt.id)
		if !errors.Is(err, tt.want) {
			t.Errorf("Article(%q) = %v, want %v", tt.id, err, tt.want)
		}
	}
}

func TestDirCanceled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	d := NewDir(fstest.MapFS{"a.json": {Data: []byte(`{"title":"x"}`)}})
	_, err := d.Article(ctx, "a")
	if !errors.Is(err, context.Canceled) || !errors.Is(err, ErrUnavailable) {
		t.Errorf("got %v, want context.Canceled and ErrUnavailable", err)
	}
}
