package feed

import "testing"

func TestOfName(t *testing.T) {
	for name, want := range map[string]string{
		"Le Monde":       "du Monde",
		"Les Échos":      "des Échos",
		"L'Express":      "de L'Express",
		"La Croix":       "de La Croix",
		"Ouest-France":   "d'Ouest-France",
		"Écho de Nantes": "d'Écho de Nantes",
		"Libération":     "de Libération",
		"ecouter":        "d'ecouter",
		"Le":             "de Le",
		"Hachette":       "de Hachette",
	} {
		if got := ofName(name); got != want {
			t.Errorf("ofName(%q) = %q, want %q", name, got, want)
		}
	}
}

func TestDefaultDescription(t *testing.T) {
	if got, want := (Config{Title: "Le Monde"}).WithDefaults().Description, "Les articles du Monde, à écouter."; got != want {
		t.Errorf("description = %q, want %q", got, want)
	}
}
