package feed

import (
	"bytes"
	"image/png"
	"testing"
)

func TestCover(t *testing.T) {
	for _, title := range []string{"Les informations de la région nantaise, toute la journée, à écouter où que vous soyez", "Anticonstitutionnellementissimementdéraisonnablement"} {
		b, err := Cover(title)
		if err != nil {
			t.Fatal(err)
		}
		img, err := png.Decode(bytes.NewReader(b))
		if err != nil {
			t.Fatalf("cover for %q is no PNG: %v", title, err)
		}
		r := img.Bounds()
		if r.Dx() != r.Dy() || r.Dx() < 1400 || r.Dx() > 3000 {
			t.Fatalf("cover is %dx%d, want a square of 1400 to 3000 px", r.Dx(), r.Dy())
		}
		if len(b) > 512<<10 {
			t.Errorf("cover is %d KiB, apps want under 512 KiB", len(b)>>10)
		}
	}
	// The title is drawn: two titles give two images.
	a, _ := Cover("")
	b, _ := Cover("Deux")
	if bytes.Equal(a, b) {
		t.Fatal("the title does not change the cover")
	}
}
