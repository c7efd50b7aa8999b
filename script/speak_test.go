package script

import "testing"

func TestSpeak(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"plain", "Il pleut.", "Il pleut."},
		{"letters untouched", "C'est drôle, stéréo, Élodie, À bientôt.", "C'est drôle, stéréo, Élodie, À bientôt."},
		{"nbsp to space", "Quoi\u00a0? Rien\u202f!", "Quoi ? Rien !"},
		{"thin and ideographic spaces", "un\u2009deux\u3000trois", "un deux trois"},
		{"tabs and runs of spaces", "un \t  deux", "un deux"},
		{"thousands nbsp", "1\u00a0200 personnes", "1200 personnes"},
		{"thousands narrow nbsp", "1\u202f200\u202f000 habitants", "1200000 habitants"},
		{"thousands plain space", "près de 30 000 mineurs", "près de 30000 mineurs"},
		{"year then number stays apart", "en 2019 300 personnes", "en 2019 300 personnes"},
		{"phone number stays apart", "01 23 45 67 89", "01 23 45 67 89"},
		{"decimal comma untouched", "3,5 millions", "3,5 millions"},
		{"apostrophes", "l’avion d‘hier, lʼété", "l'avion d'hier, l'été"},
		{"guillemets removed", "Il dit « non » hier.", "Il dit non hier."},
		{"curly and straight quotes removed", "“Oui” et \"non\".", "Oui et non."},
		{"monsieur", "M. Macron parle.", "monsieur Macron parle."},
		{"M without dot stays", "M Pokora chante.", "M Pokora chante."},
		{"messieurs", "MM. Dupont et Durand", "messieurs Dupont et Durand"},
		{"madame", "Mme Martin", "madame Martin"},
		{"mesdames", "Mmes Martin et Durand", "mesdames Martin et Durand"},
		{"Mmes not before a name", "Les Mmes sont là.", "Les Mmes sont là."},
		{"mademoiselle", "Mlle Durand", "mademoiselle Durand"},
		{"docteur with dot", "le Dr. Martin", "le docteur Martin"},
		{"professeur", "le Pr Raoult", "le professeur Raoult"},
		{"maître", "Me Dupond-Moretti plaide.", "maître Dupond-Moretti plaide."},
		{"monseigneur", "Mgr Aupetit", "monseigneur Aupetit"},
		{"saint with hyphen", "à St-Étienne", "à saint-Étienne"},
		{"sainte before name", "Ste Marie", "sainte Marie"},
		{"title before lower case stays", "Me voici.", "Me voici."},
		{"initials kept", "J.-L. Godard et J.-M. Le Pen", "J.-L. Godard et J.-M. Le Pen"},
		{"numéro", "le n° 5 et le n°7", "le numéro 5 et le numéro 7"},
		{"numéro ordinal indicator", "Nº 3", "numéro 3"},
		{"percent spaced", "12 % des votes", "12 pour cent des votes"},
		{"percent attached", "100% Waterproof", "100 pour cent Waterproof"},
		{"euros", "1 200 € et 30€.", "1200 euros et 30 euros."},
		{"millions of euros", "3 M€ de budget", "3 millions d'euros de budget"},
		{"time attached", "à 9h15", "à 9 heures 15"},
		{"time spaced", "à 9 h 15", "à 9 heures 15"},
		{"hour only", "vers 21 h, puis 1h", "vers 21 heures, puis 1 heure"},
		{"heures word untouched", "9 heures", "9 heures"},
		{"speed", "130 km/h", "130 kilomètres heure"},
		{"etc at end", "pommes, poires, etc.", "pommes, poires, et cetera."},
		{"etc inside", "etc. sont là", "et cetera sont là"},
		{"etcetera word untouched", "etcetera", "etcetera"},
		{"ellipsis char", "Il hésite… puis part", "Il hésite, puis part"},
		{"ellipsis dots", "Il hésite... puis part", "Il hésite, puis part"},
		{"ellipsis at end", "Et puis…", "Et puis."},
		{"cut in quotation removed", "nos amis (…) que le Brexit", "nos amis que le Brexit"},
		{"ampersand", "Marks & Spencer, R&D", "Marks et Spencer, R et D"},
		{"markup symbols", "* un #deux | trois_quatre ~5 • six", "un deux trois quatre 5 six"},
		{"soft hyphen dropped", "infor\u00admation", "information"},
		{"only symbols", "* * *", ""},
		{"empty", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Speak(tt.in); got != tt.want {
				t.Errorf("Speak(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

// TestSpeakDeterministic guards against map iteration order leaking in.
func TestSpeakDeterministic(t *testing.T) {
	in := "M. Dupont, 12 % à 9h15 : 1 200 € & etc."
	want := Speak(in)
	for range 50 {
		if got := Speak(in); got != want {
			t.Fatalf("Speak(%q) = %q, then %q", in, want, got)
		}
	}
}
