package api

import (
	"errors"
	"net/http"
	"net/url"
	"strings"

	"github.com/labstack/echo/v4"

	"ecouter/render"
	"ecouter/transcript"
)

// articleView is the manifest as clients see it, with links.
type articleView struct {
	Status        string `json:"status"` // ready, rendering, not_rendered
	ID            string `json:"id"`
	AudioURL      string `json:"audio_url"`
	TranscriptURL string `json:"transcript_url"`
	ManifestURL   string `json:"manifest_url"`
	// RenderOnListen is false, for an article not rendered yet, when a
	// listen will not start its render (the player says it is coming).
	RenderOnListen *bool `json:"render_on_listen,omitempty"`
	*render.Manifest
}

func (s *Server) view(c echo.Context, id, status string, m *render.Manifest) articleView {
	base := s.base(c) + "/v1/articles/" + url.PathEscape(id)
	return articleView{
		Status: status, ID: id, Manifest: m,
		AudioURL: base + "/audio.mp3", TranscriptURL: base + "/transcript.vtt", ManifestURL: base,
	}
}

// base is the public URL links start with.
func (s *Server) base(c echo.Context) string {
	if s.cfg.PublicURL != "" {
		return strings.TrimRight(s.cfg.PublicURL, "/")
	}
	return c.Scheme() + "://" + c.Request().Host
}

// manifest describes an article's audio without rendering it.
func (s *Server) manifest(c echo.Context) error {
	ctx := c.Request().Context()
	id := c.Param("id")
	m, err := s.stored.Manifest(ctx, id)
	if err == nil {
		return c.JSON(http.StatusOK, s.view(c, id, "ready", m))
	}
	if errors.Is(err, render.ErrWithdrawn) {
		return &aboutArticle{id: id, err: err} // the player reads its status
	}
	if !errors.Is(err, render.ErrNotRendered) {
		return err
	}
	// Not rendered: say whether the article exists at all.
	if _, err := s.narration.Article(ctx, id); err != nil {
		return err
	}
	status := "not_rendered"
	if s.renders.Rendering(id) {
		status = "rendering"
	}
	v := s.view(c, id, status, nil)
	if status == "not_rendered" && s.cfg.NoListenRenders {
		v.RenderOnListen = new(bool)
	}
	return c.JSON(http.StatusOK, v)
}

// transcript serves the WebVTT of the current render, one cue per sentence.
func (s *Server) transcript(c echo.Context) error {
	m, err := s.ensure(c, c.Param("id"))
	if err != nil {
		return err
	}
	cues := m.Cues
	h := c.Response().Header()
	h.Set(echo.HeaderContentType, "text/vtt; charset=utf-8")
	h.Set("ETag", `"`+m.Key+`-vtt"`)
	h.Set("Cache-Control", "public, max-age=300")
	if match := c.Request().Header.Get("If-None-Match"); match != "" && match == h.Get("ETag") {
		return c.NoContent(http.StatusNotModified)
	}
	c.Response().WriteHeader(http.StatusOK)
	return transcript.WriteVTT(c.Response(), cues)
}

// render re-reads an article and renders it if its narration changed:
// what a CMS calls on publish or update.
func (s *Server) render(c echo.Context) error {
	id := c.Param("id")
	s.forget(id)
	wait := c.QueryParam("wait")
	if wait == "1" || wait == "true" {
		// Asked for now: it may end the withdrawal in force now, no later one.
		w, err := s.stored.Asked(c.Request().Context(), id)
		if err != nil {
			return err
		}
		m, err := s.renders.Ensure(c.Request().Context(), id, render.Options{Force: true, Wait: true, Withdrawal: w})
		if err != nil {
			return err
		}
		s.backoff.succeeded(id)
		return c.JSON(http.StatusOK, s.view(c, id, "ready", m))
	}
	if err := s.later(c.Request().Context(), id, true); err != nil {
		return err
	}
	v := s.view(c, id, "rendering", nil)
	c.Response().Header().Set(echo.HeaderLocation, v.ManifestURL)
	return c.JSON(http.StatusAccepted, v)
}

// script returns the narration script: what would be read, sentence by
// sentence, before anything is paid for. It never starts a render.
func (s *Server) script(c echo.Context) error {
	sc, err := s.narration.Script(c.Request().Context(), c.Param("id"))
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, sc)
}
