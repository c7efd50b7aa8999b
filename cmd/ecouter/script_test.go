package main

import (
	"encoding/json"
	"net/http"
	"testing"
)

func TestScriptEndpoint(t *testing.T) {
	srv := service(t, map[string]string{"ECOUTER_ARTICLES": "dir:" + articleDir(t)})
	res, body := get(t, srv.URL+"/v1/articles/court/script")
	var sc struct {
		Blocks []struct {
			Kind      string
			Sentences []struct{ Text, Spoken string }
		}
	}
	if res.StatusCode != http.StatusOK || json.Unmarshal(body, &sc) != nil {
		t.Fatalf("script: %d %s", res.StatusCode, body)
	}
	if len(sc.Blocks) < 4 || sc.Blocks[0].Kind != "title" || sc.Blocks[1].Kind != "byline" {
		t.Fatalf("script blocks: %s", body)
	}
	first := sc.Blocks[2].Sentences
	if len(first) != 2 || first[1].Text != "M. Durand, l'adjoint au maire, promet un chantier rapide." || first[1].Spoken == first[1].Text {
		t.Fatalf("paragraph sentences: %+v", first)
	}
	if n := metric(t, srv.URL, `ecouter_renders_total{outcome="ok"}`); n != 0 {
		t.Fatalf("the script endpoint rendered (%v renders)", n)
	}
	if res, _ := get(t, srv.URL+"/v1/articles/inconnu/script"); res.StatusCode != http.StatusNotFound {
		t.Fatalf("unknown article script: %d", res.StatusCode)
	}
}
