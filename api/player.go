package api

import (
	"bytes"
	"context"
	"errors"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"

	"ecouter/article"
	"ecouter/render"
	"ecouter/transcript"
	"ecouter/web"
)

// demoRoute is the demo page's route: it checks its ID itself (validID
// leaves it), to answer an invalid one with a page.
const demoRoute = "/demo/:id"

// cors lets the configured sites read the manifest and the audio from
// their pages. Only exact origins match, only on the read routes; any other
// origin gets no Access-Control-Allow-Origin, so its browser keeps the
// response from the page.
func (s *Server) cors() echo.MiddlewareFunc {
	allowed := make([]string, len(s.cfg.AllowedOrigins))
	for i, o := range s.cfg.AllowedOrigins {
		allowed[i] = strings.TrimRight(strings.TrimSpace(o), "/")
	}
	return middleware.CORSWithConfig(middleware.CORSConfig{
		Skipper: func(c echo.Context) bool {
			r := c.Request()
			switch r.Method {
			case http.MethodGet, http.MethodHead, http.MethodOptions:
			default:
				return true // the render endpoint stays same-origin
			}
			return r.URL.Path != "/player.js" && !strings.HasPrefix(r.URL.Path, "/v1/articles/")
		},
		AllowOriginFunc: func(origin string) (bool, error) { return slices.Contains(allowed, origin), nil },
		AllowMethods:    []string{http.MethodGet, http.MethodHead},
		AllowHeaders:    []string{"Range"},
		ExposeHeaders:   []string{"Content-Length", "Content-Range", "Accept-Ranges", "ETag"},
		MaxAge:          86400,
	})
}

// playerScript serves player.js; http.ServeContent answers HEAD and
// If-None-Match from the ETag.
func playerScript(c echo.Context) error {
	body, etag := web.Player()
	h := c.Response().Header()
	h.Set(echo.HeaderContentType, "text/javascript; charset=utf-8")
	h.Set("Cache-Control", "public, max-age=3600")
	h.Set("ETag", etag)
	serveContent(c, bytes.NewReader(body), time.Time{})
	return nil
}

// demo shows an article as the listener hears it, every sentence marked for
// the player's read-along.
func (s *Server) demo(c echo.Context) error {
	id := c.Param("id")
	// Checked first, as validID does for the other routes: the page
	// answers it in HTML.
	err := article.ValidID(id)
	var page web.Page
	if err == nil {
		page, err = s.demoPage(c.Request().Context(), id)
	}
	var buf bytes.Buffer
	code := http.StatusOK
	if err == nil {
		err = web.Demo(&buf, page)
	} else {
		code, err = s.demoProblem(c, &buf, id, err)
	}
	if err != nil {
		return err
	}
	h := c.Response().Header()
	h.Set("Cache-Control", "no-cache")
	h.Set("Content-Security-Policy", s.demoPolicy())
	if len(s.cfg.AllowedOrigins) == 0 {
		h.Set("X-Frame-Options", "DENY") // for browsers without frame-ancestors
	}
	return c.HTMLBlob(code, buf.Bytes())
}

// demoPolicy is the demo page's Content-Security-Policy: scripts, audio
// and API calls from the service only (and ECOUTER_PUBLIC_URL, where the
// manifest's links point), the page's own inline styles, and framing only
// by the sites allowed to embed the player.
func (s *Server) demoPolicy() string {
	self := "'self'"
	if u, err := url.Parse(s.cfg.PublicURL); err == nil && u.Scheme != "" && u.Host != "" {
		self += " " + u.Scheme + "://" + u.Host
	}
	frames := "'none'"
	if len(s.cfg.AllowedOrigins) > 0 {
		frames = strings.Join(s.cfg.AllowedOrigins, " ")
	}
	return "default-src 'none'; script-src " + self + "; media-src " + self + "; connect-src " + self +
		"; img-src " + self + " data:; style-src 'self' 'unsafe-inline'; base-uri 'none'; form-action 'none'" +
		"; frame-ancestors " + frames
}

// demoPage builds the page from the stored render when there is one: its
// cues are exactly what the audio says, in the order the player counts
// them. Otherwise from the narration script a render would read.
func (s *Server) demoPage(ctx context.Context, id string) (web.Page, error) {
	var lines []transcript.Cue
	m, err := s.stored.Manifest(ctx, id)
	switch {
	case err == nil:
		lines = m.Cues
	case errors.Is(err, render.ErrNotRendered):
		sc, err := s.narration.Script(ctx, id)
		if err != nil {
			return web.Page{}, err
		}
		for b, blk := range sc.Blocks {
			for _, st := range blk.Sentences {
				lines = append(lines, transcript.Cue{Block: b, Kind: blk.Kind, Text: st.Text})
			}
		}
	default:
		return web.Page{}, err
	}
	return web.NewPage(id, lines), nil
}

// demoProblem writes the page for an article that cannot be shown. Its
// status comes from the one error mapping; an unknown article keeps its
// listen button, so the player shows its own error, as on a news site
// embedding a wrong ID.
func (s *Server) demoProblem(c echo.Context, buf *bytes.Buffer, id string, cause error) (int, error) {
	code, _ := status(cause)
	p := web.Problem{ID: id, Title: "Article introuvable", Message: "Aucun article ne porte cet identifiant."}
	switch {
	case code == http.StatusBadRequest:
		p = web.Problem{Title: "Identifiant invalide",
			Message: "Un identifiant d'article compte de 1 à 100 lettres, chiffres, tirets ou soulignés."}
	case code >= 500:
		s.log.Error("demo page failed", "article_id", id, "status", code, "err", cause)
		p.Title, p.Message = "Article indisponible", "L'article ne peut pas être affiché pour le moment."
	}
	if err := web.Error(buf, p); err != nil {
		return 0, err
	}
	return code, nil
}
