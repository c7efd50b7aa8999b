package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"ecouter/internal/testwait"
)

// TestWordPressPluginGuards runs the plugin configured by its settings page
// (no constants) against a real `ecouter serve`: the API key goes only to
// the service it was entered for, the site's background request cannot be
// replayed, and a post the site excludes from audio is refused by the
// service (404, code "excluded") even when the plugin's withdrawal never
// reached it, and its stored audio goes.
func TestWordPressPluginGuards(t *testing.T) {
	start := time.Now()
	host := fmt.Sprintf("127.%d.%d.%d", 100+rand.IntN(100), 1+rand.IntN(250), 1+rand.IntN(250))
	ecouterAddr := host + ":" + freePort(t, host)
	site := startWordPress(t, host, "", "")
	spy := filepath.Join(site.dir, "background.log")
	site.spyBackground(spy)
	env := map[string]string{
		"ECOUTER_ARTICLES": "wordpress:" + site.url, "ECOUTER_STORE": t.TempDir(), "ECOUTER_API_KEY": testKey,
		// Stored audio is checked against the site after a second.
		"ECOUTER_ARTICLE_TTL": "1s",
	}
	base := ecouterServe(t, ecouterAddr, env)
	service := "http://" + ecouterAddr

	s := site.saveSettings(service, testKey)
	if s.URL != service || len(s.Errors) > 0 {
		t.Fatalf("first save of the settings: %+v", s)
	}
	if s.Origin != service {
		t.Errorf("the key is bound to %q, want %q", s.Origin, service)
	}
	id := site.publish("Le port rouvre ses quais", "<!-- wp:paragraph --><p>Les quais du port rouvrent après deux ans de travaux.</p><!-- /wp:paragraph -->", 0)
	testwait.Eventually(t, func() bool {
		m, _ := manifestStatus(t, base, id)
		return m.Status == "ready"
	}, "the published post's audio")

	t.Run("key", func(t *testing.T) { wordpressKeyOrigin(t, site, service, id) })
	t.Run("token", func(t *testing.T) { wordpressTokenReplay(t, site, spy, id) })
	t.Run("excluded", func(t *testing.T) { wordpressExcluded(t, site, base, id) })
	t.Logf("WordPress guards test: %v", time.Since(start).Round(time.Millisecond))
}

// wordpressKeyOrigin: a service URL on another host is refused by the
// settings page unless the key is typed with it; one changed behind the
// page's back gets no key; typed again, the key goes to the new host.
func wordpressKeyOrigin(t *testing.T, site *wpSite, service, id string) {
	other := newRecorder(t, site.host)
	if s := site.saveSettings(other.url, ""); s.URL != service || s.Origin != service || !strings.Contains(strings.Join(s.Errors, " "), "ecouter_key_origin") {
		t.Errorf("a new host without the key: the save is %+v, want refused with ecouter_key_origin", s)
	}
	// Changed without the settings page (WP-CLI, another plugin).
	site.php(fmt.Sprintf(`update_option('ecouter_service_url', %q);`, other.url))
	code, body := site.rest("POST", "/ecouter/v1/posts/"+id+"/render", nil)
	var box struct{ Error string }
	if json.Unmarshal(body, &box) != nil || code != 200 || !strings.Contains(box.Error, "n'est pas envoyée") {
		t.Errorf("Régénérer towards another host: %d %s", code, body)
	}
	if got := other.authorizations(); len(got) > 0 {
		t.Errorf("the key went to a host it was not entered for: %q", got)
	}
	// The settings page says where the key goes, and that this URL is not it.
	page := site.php(`require_once ABSPATH . 'wp-admin/includes/plugin.php';
require_once ABSPATH . 'wp-admin/includes/template.php';
wp_set_current_user(1);
ecouter_settings_page();`)
	if !strings.Contains(page, "envoyée qu'à <code>"+service+"</code>") || !strings.Contains(page, "notice-error") || strings.Contains(page, testKey) {
		t.Errorf("the settings page does not say where the key goes:\n%s", page)
	}

	// Typed with the new address, the key is for that host.
	if s := site.saveSettings(other.url, "cle-du-service-b"); s.URL != other.url || s.Origin != other.url || len(s.Errors) > 0 {
		t.Errorf("a new host with its key: %+v", s)
	}
	site.rest("POST", "/ecouter/v1/posts/"+id+"/render", nil)
	if got := other.authorizations(); len(got) != 1 || got[0] != "Bearer cle-du-service-b" {
		t.Errorf("the new host got %q, want its own key once", got)
	}
	if s := site.saveSettings(service, testKey); s.URL != service {
		t.Fatalf("back to the service: %+v", s)
	}
}

// wordpressTokenReplay sends again the background request the site made
// when the post was published: it is refused, and a new token is kept
// for minutes, not for the 10 to 20 of an HMAC of the time.
func wordpressTokenReplay(t *testing.T, site *wpSite, spy, id string) {
	var sent url.Values
	testwait.Eventually(t, func() bool {
		b, _ := os.ReadFile(spy)
		for _, line := range strings.Split(strings.TrimSpace(string(b)), "\n") {
			var body map[string]string
			if json.Unmarshal([]byte(line), &body) == nil && body["post"] == id {
				sent = url.Values{}
				for k, v := range body {
					sent.Set(k, v)
				}
			}
		}
		return sent != nil
	}, "the site's background request in the log")
	res, err := http.PostForm(site.url+"/wp-admin/admin-ajax.php", sent)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusForbidden {
		t.Errorf("the background request sent again: %d, want 403", res.StatusCode)
	}
	ttl := site.php(`$t = ecouter_token(` + id + `);
echo (int) get_option('_transient_timeout_' . ecouter_token_name($t)) - time();`)
	if n, err := strconv.Atoi(strings.TrimSpace(ttl)); err != nil || n <= 0 || n > 300 {
		t.Errorf("a token lives %q s, want at most 5 minutes", ttl)
	}
}

// wordpressExcluded: a post published in an excluded category while the
// service did not hear of it is refused on every route that renders, with
// the code "excluded"; the audio of a post whose category becomes
// excluded is withdrawn; and stored audio of a post excluded without the
// plugin's call goes at the service's next check.
func wordpressExcluded(t *testing.T, site *wpSite, base, id string) {
	cats := site.php(`$c = wp_insert_term('Partenaires', 'category'); $d = wp_insert_term('Agenda', 'category');
echo $c['term_id'] . ' ' . $d['term_id'];`)
	var partners, agenda int
	if _, err := fmt.Sscan(cats, &partners, &agenda); err != nil {
		t.Fatalf("categories: %q %v", cats, err)
	}
	site.php(fmt.Sprintf(`update_option('ecouter_excluded_categories', array(%d));`, partners))
	// The plugin's withdrawal is lost (the service was down): only the
	// post's REST answer tells.
	excluded := site.php(fmt.Sprintf(`remove_action('transition_post_status', 'ecouter_transition', 10);
echo wp_insert_post(array('post_title' => 'Offre de nos partenaires', 'post_status' => 'publish', 'post_author' => 1, 'post_category' => array(%d),
	'post_content' => '<!-- wp:paragraph --><p>Un contenu sponsorisé sans audio.</p><!-- /wp:paragraph -->'));`, partners))
	code, body := site.rest("GET", "/wp/v2/posts/"+excluded+"?_fields=ecouter", nil)
	if code != 200 || !bytes.Contains(body, []byte(`"excluded":true`)) {
		t.Errorf("the excluded post's REST answer: %d %s", code, body)
	}
	if _, body := site.rest("GET", "/wp/v2/posts/"+id+"?_fields=ecouter", nil); !bytes.Contains(body, []byte(`"excluded":false`)) {
		t.Errorf("a post with audio's REST answer: %s", body)
	}
	refused := func(what string, res *http.Response, body []byte) {
		t.Helper()
		var e struct{ Code string }
		if res.StatusCode != http.StatusNotFound || json.Unmarshal(body, &e) != nil || e.Code != "excluded" {
			t.Errorf("%s of an excluded post: %d %.200q, want 404 excluded", what, res.StatusCode, body)
		}
	}
	// Twice: the second answer comes from the memory of unknown IDs.
	for _, route := range []string{"/audio.mp3", "/audio.mp3", "/download", "/transcript.vtt", "/chapters.json", "/script"} {
		res, body := get(t, base+"/v1/articles/"+excluded+route)
		refused(route, res, body)
	}
	res, body := do(t, http.MethodPost, base+"/v1/articles/"+excluded+"/render?wait=1", "Authorization", "Bearer "+testKey)
	refused("POST render", res, body)
	if m, _ := manifestStatus(t, base, excluded); m.Status == "ready" {
		t.Error("the excluded post was rendered")
	}

	// A category becomes excluded: its posts' audio is withdrawn by the
	// plugin, from WP-Cron (run here as a system cron would).
	inAgenda := site.publish("Concert sur la place", "<!-- wp:paragraph --><p>Un concert gratuit samedi soir.</p><!-- /wp:paragraph -->", agenda)
	testwait.Eventually(t, func() bool {
		m, _ := manifestStatus(t, base, inAgenda)
		return m.Status == "ready"
	}, "the agenda post's audio")
	site.php(fmt.Sprintf(`update_option('ecouter_excluded_categories', array(%d, %d));`, partners, agenda))
	if res, _ := get(t, site.url+"/wp-cron.php"); res.StatusCode != 200 {
		t.Fatalf("wp-cron.php: %d", res.StatusCode)
	}
	testwait.Eventually(t, func() bool {
		_, code := manifestStatus(t, base, inAgenda)
		return code == http.StatusGone
	}, "the newly excluded post's audio withdrawn")
	if _, feed := get(t, base+"/feed.xml"); bytes.Contains(feed, []byte("ecouter:"+inAgenda)) {
		t.Error("a withdrawn excluded post is still in the feed")
	}

	// Switched off without the plugin's call reaching the service: the
	// service takes the stored audio down itself once its TTL is over.
	site.php(`update_post_meta(` + id + `, '_ecouter_disabled', '1');`)
	testwait.Eventually(t, func() bool {
		res, _ := get(t, base+"/v1/articles/"+id+"/audio.mp3")
		return res.StatusCode != http.StatusOK
	}, "the stored audio of a post excluded since taken down")
	if res, body := get(t, base+"/v1/articles/"+id+"/audio.mp3"); res.StatusCode != http.StatusGone && res.StatusCode != http.StatusNotFound {
		t.Errorf("the audio of a post excluded since: %d %s", res.StatusCode, body)
	}
	if _, feed := get(t, base+"/feed.xml"); bytes.Contains(feed, []byte("ecouter:"+id)) {
		t.Error("a post excluded since is still in the feed")
	}
}

// settingsSave is what the settings page saved.
type settingsSave struct {
	URL    string   `json:"url"`
	Origin string   `json:"origin"` // the origin the key is bound to
	Errors []string `json:"errors"` // the codes of the notices
}

// saveSettings saves the service URL and key fields as options.php does
// for the settings form (a key field left empty keeps the stored key).
func (s *wpSite) saveSettings(serviceURL, key string) settingsSave {
	s.t.Helper()
	form, _ := json.Marshal(map[string]string{"ecouter_service_url": serviceURL, "ecouter_api_key": key})
	out := s.php(`require_once ABSPATH . 'wp-admin/includes/template.php';
wp_set_current_user(1);
ecouter_register_settings();
$_POST = json_decode(getenv('ECOUTER_WP_FORM'), true);
foreach (array('ecouter_service_url', 'ecouter_api_key') as $o) {
	update_option($o, isset($_POST[$o]) ? trim($_POST[$o]) : null);
}
echo json_encode(array('url' => get_option('ecouter_service_url'), 'origin' => (string) get_option('ecouter_api_key_origin'),
	'errors' => wp_list_pluck(get_settings_errors('ecouter_service_url'), 'code')));`, "ECOUTER_WP_FORM="+string(form))
	var saved settingsSave
	if err := json.Unmarshal([]byte(out), &saved); err != nil {
		s.t.Fatalf("settings save: %v %q", err, out)
	}
	return saved
}

// publish publishes a post through the REST API, in category cat unless 0.
func (s *wpSite) publish(title, content string, cat int) string {
	s.t.Helper()
	post := map[string]any{"title": title, "content": content, "status": "publish"}
	if cat != 0 {
		post["categories"] = []int{cat}
	}
	code, body := s.rest("POST", "/wp/v2/posts", post)
	var p struct{ ID int }
	if code != 201 || json.Unmarshal(body, &p) != nil {
		s.t.Fatalf("publish %q: %d %s", title, code, body)
	}
	return strconv.Itoa(p.ID)
}

// spyBackground logs, one JSON line each, the bodies of the background
// requests the plugin makes to the site.
func (s *wpSite) spyBackground(log string) {
	s.t.Helper()
	code := fmt.Sprintf(`<?php
add_filter('pre_http_request', function ($pre, $args, $url) {
	if (strpos($url, 'admin-ajax.php') !== false && is_array($args['body']) && ($args['body']['action'] ?? '') === 'ecouter_render') {
		file_put_contents(%q, json_encode(array_map('strval', $args['body'])) . "\n", FILE_APPEND | LOCK_EX);
	}
	return $pre;
}, 10, 3);
`, log)
	if err := os.WriteFile(filepath.Join(s.content, "mu-plugins", "ecouter-spy.php"), []byte(code), 0o644); err != nil {
		s.t.Fatal(err)
	}
}

// recorder is a stand-in service on the site's loopback address (the only
// host WP_HTTP_BLOCK_EXTERNAL lets through) that keeps the Authorization
// headers it is sent.
type recorder struct {
	url  string
	mu   sync.Mutex
	auth []string
}

func newRecorder(t *testing.T, host string) *recorder {
	t.Helper()
	ln, err := net.Listen("tcp", host+":0")
	if err != nil {
		t.Fatal(err)
	}
	r := &recorder{url: "http://" + ln.Addr().String()}
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		if a := req.Header.Get("Authorization"); a != "" {
			r.mu.Lock()
			r.auth = append(r.auth, a)
			r.mu.Unlock()
		}
		w.Header().Set("Content-Type", "application/json")
		if req.Method == http.MethodGet {
			fmt.Fprint(w, `{"status":"ready"}`)
			return
		}
		w.WriteHeader(http.StatusAccepted)
		fmt.Fprint(w, `{"status":"rendering"}`)
	})}
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close() })
	return r
}

func (r *recorder) authorizations() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]string(nil), r.auth...)
}
