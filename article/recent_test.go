package article

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"testing"
	"testing/fstest"
)

func TestSlug(t *testing.T) {
	for in, want := range map[string]string{
		"Économie & Société": "economie-societe",
		"tech":               "tech",
		"  Île-de-France ":   "ile-de-france",
		"Sport / Vélo":       "sport-velo",
	} {
		if got := Slug(in); got != want {
			t.Errorf("Slug(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestDirRecent(t *testing.T) {
	fsys := fstest.MapFS{
		"vieux.json":    {Data: []byte(`{"title":"a","text":"x","published":"2026-01-01T08:00:00Z","categories":["Économie"]}`)},
		"neuf.json":     {Data: []byte(`{"title":"b","text":"x","published":"2026-03-01T08:00:00Z","categories":["Tech"]}`)},
		"milieu.json":   {Data: []byte(`{"title":"c","text":"x","published":"2026-02-01","categories":["tech","Sport"]}`)},
		"sansdate.json": {Data: []byte(`{"title":"d","text":"x"}`)},
		"casse.json":    {Data: []byte(`{"title":`)},
		"bad.id.json":   {Data: []byte(`{"title":"e","text":"x"}`)},
		"notes.txt":     {Data: []byte(`hello`)},
	}
	d := NewDir(fsys)
	ctx := context.Background()
	cases := []struct {
		n        int
		category string
		want     []string
	}{
		{10, "", []string{"neuf", "milieu", "vieux", "sansdate"}},
		{2, "", []string{"neuf", "milieu"}},
		{10, "tech", []string{"neuf", "milieu"}},
		{10, "economie", []string{"vieux"}},
		{10, "météo", []string{}},
		{0, "", []string{}},
	}
	for _, c := range cases {
		got, err := d.Recent(ctx, c.n, c.category)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(got, c.want) {
			t.Errorf("Recent(%d, %q) = %v, want %v", c.n, c.category, got, c.want)
		}
	}
}

// TestWordPressRecent lists posts from a site with pretty permalinks
// (/wp-json/) and from one with plain permalinks (?rest_route= only).
func TestWordPressRecent(t *testing.T) {
	for _, plain := range []bool{false, true} {
		t.Run(map[bool]string{false: "wp-json", true: "rest_route"}[plain], func(t *testing.T) {
			testWordPressRecent(t, plain)
		})
	}
}

func testWordPressRecent(t *testing.T, plain bool) {
	var pages []string
	srv, _ := serve(t, func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		route, ok := wpRoute(r, plain)
		if !ok {
			http.NotFound(w, r)
			return
		}
		switch route {
		case "/":
			fmt.Fprint(w, `{"name":"Exemple"}`)
		case "/wp/v2/categories":
			if q.Get("slug") == "tech" {
				fmt.Fprint(w, `[{"id":7}]`)
				return
			}
			fmt.Fprint(w, `[]`)
		case "/wp/v2/posts":
			pages = append(pages, r.URL.RawQuery)
			if q.Get("_fields") != "id,date_gmt,ecouter" {
				http.Error(w, "want _fields", 400)
				return
			}
			per, _ := strconv.Atoi(q.Get("per_page"))
			page, _ := strconv.Atoi(q.Get("page"))
			total := 130 // posts 1000 (newest) down to 871
			if q.Get("categories") == "7" {
				total = 3
			}
			fmt.Fprint(w, "[")
			for i := range per {
				k := (page-1)*per + i
				if k >= total {
					break
				}
				if i > 0 {
					fmt.Fprint(w, ",")
				}
				// The plugin excludes post 999 from audio.
				fmt.Fprintf(w, `{"id":%d,"date_gmt":"2026-03-01T08:00:00","ecouter":{"excluded":%t}}`, 1000-k, k == 1)
			}
			fmt.Fprint(w, "]")
		default:
			http.NotFound(w, r)
		}
	})
	wp := NewWordPress(srv.URL, srv.Client())
	ctx := context.Background()

	ids, err := wp.Recent(ctx, 3, "")
	if err != nil || !slices.Equal(ids, []string{"1000", "998", "997"}) {
		t.Fatalf("Recent(3): %v %v", ids, err)
	}
	pages = nil
	ids, err = wp.Recent(ctx, 150, "")
	if err != nil || len(ids) != 129 || ids[128] != "871" || len(pages) != 2 {
		t.Fatalf("Recent(150): %d ids, last %v, %d pages, %v", len(ids), ids[len(ids)-1:], len(pages), err)
	}
	ids, err = wp.Recent(ctx, 10, "Tech")
	if err != nil || !slices.Equal(ids, []string{"1000", "998"}) {
		t.Fatalf("Recent(tech): %v %v", ids, err)
	}
	if _, err := wp.Recent(ctx, 10, "inconnue"); !errors.Is(err, ErrNoCategory) {
		t.Fatalf("unknown category: %v, want ErrNoCategory", err)
	}
}

// wpRoute is the REST route a request to a test WordPress asks for: from
// its path under /wp-json, or with plain permalinks only from ?rest_route=
// on the site's root (/wp-json/ is then WordPress's HTML "not found").
func wpRoute(r *http.Request, plain bool) (string, bool) {
	if plain {
		route := r.URL.Query().Get("rest_route")
		return route, r.URL.Path == "/" && route != ""
	}
	route, ok := strings.CutPrefix(r.URL.Path, "/wp-json")
	if route == "" {
		route = "/"
	}
	return route, ok
}

func TestHTTPRecentUnsupported(t *testing.T) {
	var l Lister = NewHTTP("https://cms.example/{id}", nil)
	if _, err := l.Recent(context.Background(), 5, ""); !errors.Is(err, errors.ErrUnsupported) {
		t.Fatalf("got %v, want errors.ErrUnsupported", err)
	}
	var _ Lister = (*Dir)(nil)
	var _ Lister = (*WordPress)(nil)
}
