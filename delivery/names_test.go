package delivery

import (
	"strings"
	"testing"
)

func TestFileNames(t *testing.T) {
	cases := []struct{ title, ascii, utf8 string }{
		{"Le vélo gagne", "Le-velo-gagne", "Le vélo gagne"},
		{`Où ? "Ici" / là: 50 %`, "Ou-Ici-la-50", "Où Ici là 50 %"},
		{"Œufs   et\tcafé", "OEufs-et-cafe", "Œufs et café"},
		{"???", "x", "x"},
		{"Ωμέγα", "ecouter", "Ωμέγα"},
		// Long titles are cut between words.
		{"Vannes : Jazz en Remparts dévoile une 28e édition tournée vers les jeunes & la scène bretonne",
			"Vannes-Jazz-en-Remparts-devoile-une-28e-edition-tournee-vers-les-jeunes-la",
			"Vannes Jazz en Remparts dévoile une 28e édition tournée vers les jeunes & la"},
	}
	for _, c := range cases {
		name := FileName(c.title, "x")
		if name != c.utf8 {
			t.Errorf("FileName(%q) = %q, want %q", c.title, name, c.utf8)
		}
		if got := Attachment(name, "mp3"); !strings.Contains(got, `filename="`+c.ascii+`.mp3"`) {
			t.Errorf("Attachment(%q) = %s, want ASCII %s", name, got, c.ascii)
		}
	}
}
