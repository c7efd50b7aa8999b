package pollytest

import (
	"encoding/json"
	"net/http"
	"slices"
	"strings"
)

// Voice is one entry of DescribeVoices, in Polly's JSON shape.
type Voice struct {
	Gender                  string
	ID                      string `json:"Id"`
	LanguageCode            string
	LanguageName            string
	Name                    string
	SupportedEngines        []string
	AdditionalLanguageCodes []string `json:",omitempty"`
}

// FrenchVoices are Polly's fr-FR voices and their engines.
func FrenchVoices() []Voice {
	fr := func(id, name, gender string, engines ...string) Voice {
		return Voice{Gender: gender, ID: id, LanguageCode: "fr-FR", LanguageName: "French",
			Name: name, SupportedEngines: engines}
	}
	return []Voice{
		fr("Celine", "Céline", "Female", "standard"),
		fr("Lea", "Léa", "Female", "standard", "neural", "generative"),
		fr("Mathieu", "Mathieu", "Male", "standard"),
		fr("Remi", "Rémi", "Male", "neural", "generative"),
	}
}

func (s *Server) voice(id string) (Voice, bool) {
	i := slices.IndexFunc(s.opt.Voices, func(v Voice) bool { return v.ID == id })
	if i < 0 {
		return Voice{}, false
	}
	return s.opt.Voices[i], true
}

// serveVoices answers DescribeVoices, filtered by its query parameters.
func (s *Server) serveVoices(w http.ResponseWriter, r *http.Request) {
	fail := checkAuth(r)
	if fail == nil {
		fail = s.injected(false)
	}
	if fail != nil {
		writeError(w, fail.status, fail.errType, fail.msg)
		return
	}
	q := r.URL.Query()
	lang, engine := q.Get("LanguageCode"), q.Get("Engine")
	additional := strings.EqualFold(q.Get("IncludeAdditionalLanguageCodes"), "true")
	voices := []Voice{}
	for _, v := range s.opt.Voices {
		speaks := lang == "" || v.LanguageCode == lang || additional && slices.Contains(v.AdditionalLanguageCodes, lang)
		if speaks && (engine == "" || slices.Contains(v.SupportedEngines, engine)) {
			voices = append(voices, v)
		}
	}
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(struct{ Voices []Voice }{voices})
}
