package article

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"
)

func TestParse(t *testing.T) {
	dir := t.TempDir()
	samples := fstest.MapFS{"a.json": {Data: []byte(`{"title":"x"}`)}}
	tests := []struct {
		spec string
		want string // concrete type
	}{
		{"", "*article.Dir"},
		{"samples", "*article.Dir"},
		{"dir:" + dir, "*article.Dir"},
		{"wordpress:https://www.exemple-actu.fr", "*article.WordPress"},
		{"wordpress:http://user:pw@localhost:8080/blog/", "*article.WordPress"},
		{"wordpress:https://www.exemple-actu.fr/?rest_route=", "*article.WordPress"},
		{"wordpress:https://www.exemple-actu.fr/blog/?rest_route=/", "*article.WordPress"},
		{"http:https://api.exemple.fr/articles/{id}?key=k", "*article.HTTP"},
		{"http:http://localhost:9000/{id}.json", "*article.HTTP"},
	}
	for _, tt := range tests {
		src, err := Parse(tt.spec, nil, samples)
		if err != nil {
			t.Errorf("Parse(%q): %v", tt.spec, err)
			continue
		}
		if got := typeName(src); got != tt.want {
			t.Errorf("Parse(%q) = %s, want %s", tt.spec, got, tt.want)
		}
	}
}

func typeName(s Source) string {
	switch s.(type) {
	case *Dir:
		return "*article.Dir"
	case *WordPress:
		return "*article.WordPress"
	case *HTTP:
		return "*article.HTTP"
	}
	return "?"
}

func TestParseErrors(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "file.txt")
	if err := os.WriteFile(file, []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	samples := fstest.MapFS{}
	tests := []struct {
		spec string
		want string // the error must say this
	}{
		{"dir:", "empty path"},
		{"dir", "empty path"},
		{"dir:" + filepath.Join(dir, "missing"), "no such file"},
		{"dir:" + file, "not a directory"},
		{"wordpress:", "base URL is empty"},
		{"wordpress:www.exemple-actu.fr", "want an http:// or https:// URL"},
		{"wordpress:ftp://exemple.fr", "want an http:// or https:// URL"},
		{"wordpress:https://exemple.fr/?p=1", "must not have a query"},
		{"wordpress:https://exemple.fr/?rest_route=/wp/v2/posts", "must not have a query"},
		{"wordpress:https:///wp", "no host"},
		{"http:https://api.exemple.fr/articles", "lacks {id}"},
		{"http:file:///tmp/{id}", "want an http:// or https:// URL"},
		{"http:", "lacks {id}"},
		{"http://api.exemple.fr/{id}", `did you mean "http:http://api.exemple.fr`},
		{"https://api.exemple.fr/{id}", `did you mean "http:https://api.exemple.fr`},
		{"samples:foo", "takes no argument"},
		{"s3:bucket", `unknown kind "s3"`},
		{"wordpress:editor:s3cret@exemple.fr", "want an http:// or https:// URL"},
		{"ftp://user:s3cret@h/x", `unknown kind "ftp"`},
		{"http:https://user:s3cret@h/a?key=s3cret", "lacks {id}"},
		{"https://user:s3cret@h/{id}?key=s3cret", "did you mean"},
	}
	for _, tt := range tests {
		_, err := Parse(tt.spec, nil, samples)
		if err == nil {
			t.Errorf("Parse(%q) succeeded, want an error saying %q", tt.spec, tt.want)
			continue
		}
		if msg := err.Error(); !strings.Contains(msg, tt.want) || strings.Contains(msg, "s3cret") {
			t.Errorf("Parse(%q) error %q should say %q and show no secret", tt.spec, msg, tt.want)
		}
	}
	if _, err := Parse("samples", nil, nil); err == nil {
		t.Error("Parse(samples) with no samples succeeded")
	}
}
