package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"ecouter/internal/testwait"
	"ecouter/render"
)

// The WordPress tests run Debian's WordPress 6.1 (package wordpress) on a
// private MariaDB 10.11 and PHP 8.2's built-in server, all on a loopback
// address of their own, with the plugin of integrations/wordpress/ecouter
// activated and configured by constants, and a real `ecouter serve`
// reading the site's REST API. They fail (never skip) when a package is
// missing: `make test` installs them.

const (
	wpRoot      = "/usr/share/wordpress"
	wpConfigDir = "/etc/wordpress"
)

// pluginDir is the plugin in this repository.
func pluginDir(t *testing.T) string {
	t.Helper()
	dir, err := filepath.Abs("../../integrations/wordpress/ecouter")
	if err != nil {
		t.Fatal(err)
	}
	return dir
}

func TestWordPressPluginLint(t *testing.T) {
	files, err := filepath.Glob(filepath.Join(pluginDir(t), "*.php"))
	if err != nil || len(files) < 2 {
		t.Fatalf("plugin files: %v %v", files, err)
	}
	for _, f := range files {
		if out, err := exec.Command("php", "-l", f).CombinedOutput(); err != nil {
			t.Errorf("php -l %s: %v\n%s", filepath.Base(f), err, out)
		}
	}
	readme, err := os.ReadFile(filepath.Join(pluginDir(t), "readme.txt"))
	if err != nil {
		t.Fatal(err)
	}
	for _, h := range []string{"=== Écouter ===", "Requires at least: 6.1", "Requires PHP: 7.4", "Stable tag:", "== Description ==", "== Installation =="} {
		if !bytes.Contains(readme, []byte(h)) {
			t.Errorf("readme.txt lacks %q", h)
		}
	}
}

// process starts a command in its own process group, killed (the group)
// when the test ends. Its output goes to log.
func process(t *testing.T, log string, env []string, name string, args ...string) {
	t.Helper()
	f, err := os.Create(log)
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(name, args...)
	cmd.Env = append(os.Environ(), env...)
	cmd.Stdout, cmd.Stderr = f, f
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		t.Fatalf("start %s: %v (apt-get install wordpress mariadb-server php-mysql php-cli)", name, err)
	}
	t.Cleanup(func() {
		syscall.Kill(-cmd.Process.Pid, syscall.SIGTERM)
		done := make(chan struct{})
		go func() { cmd.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
			<-done
		}
		f.Close()
	})
}

func freePort(t *testing.T, host string) string {
	t.Helper()
	ln, err := net.Listen("tcp", host+":0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return strconv.Itoa(ln.Addr().(*net.TCPAddr).Port)
}

// wpSite is a WordPress site on its own loopback address.
type wpSite struct {
	t         *testing.T
	host      string // 127.a.b.c: the site and ecouter share it (WP_HTTP_BLOCK_EXTERNAL lets only the site's host through)
	url       string
	dir       string
	content   string // WP_CONTENT_DIR
	appPass   string // application password of user 1, "redaction"
	adminPass string // its password, to log in
}

// startWordPress starts MariaDB and PHP, writes the site's config-HOST.php
// in /etc/wordpress, installs WordPress with the twentytwentythree block
// theme and activates the plugin, configured by constants for the ecouter
// at serviceURL (with serviceURL "", by its settings, left empty).
func startWordPress(t *testing.T, host, serviceURL, apiKey string) *wpSite {
	t.Helper()
	for _, f := range []string{wpRoot + "/wp-config.php", "/usr/sbin/mariadbd", "/usr/bin/mariadb-install-db", wpRoot + "/wp-content/themes/twentytwentythree/theme.json"} {
		if _, err := os.Stat(f); err != nil {
			t.Fatalf("the WordPress tests need Debian's wordpress, wordpress-theme-twentytwentythree, mariadb-server, php-mysql and php-cli: %v", err)
		}
	}
	dir := t.TempDir()
	s := &wpSite{t: t, host: host, dir: dir, content: filepath.Join(dir, "wp-content")}

	// MariaDB, private: its own data directory, a socket, no TCP, no
	// grant tables (nothing but this test can reach the socket).
	data, sock := filepath.Join(dir, "db"), filepath.Join(dir, "mysqld.sock")
	if out, err := exec.Command("mariadb-install-db", "--no-defaults", "--datadir="+data, "--auth-root-authentication-method=normal",
		"--skip-test-db", "--user=root").CombinedOutput(); err != nil {
		t.Fatalf("mariadb-install-db: %v\n%s", err, out)
	}
	process(t, filepath.Join(dir, "mariadb.log"), nil, "/usr/sbin/mariadbd", "--no-defaults", "--datadir="+data, "--socket="+sock,
		"--pid-file="+filepath.Join(dir, "mysqld.pid"), "--skip-networking", "--user=root", "--skip-grant-tables",
		"--innodb-buffer-pool-size=16M", "--skip-log-bin", "--innodb-flush-log-at-trx-commit=0")
	testwait.Eventually(t, func() bool { _, err := os.Stat(sock); return err == nil }, "MariaDB's socket")
	if out, err := exec.Command("mariadb", "--no-defaults", "-S", sock, "-u", "root", "-e", "CREATE DATABASE wordpress").CombinedOutput(); err != nil {
		t.Fatalf("create database: %v\n%s", err, out)
	}

	// wp-content of the test's own: the theme from Debian's package, the
	// plugin from this repository.
	for _, d := range []string{"plugins", "uploads", "mu-plugins"} {
		if err := os.MkdirAll(filepath.Join(s.content, d), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Symlink(wpRoot+"/wp-content/themes", filepath.Join(s.content, "themes")); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(pluginDir(t), filepath.Join(s.content, "plugins", "ecouter")); err != nil {
		t.Fatal(err)
	}
	// WordPress 6.1 still has the classic editor: ?classic=1 opens it.
	classic := "<?php\nadd_filter('use_block_editor_for_post', function ($use) { return isset($_GET['classic']) ? false : $use; });\n"
	if err := os.WriteFile(filepath.Join(s.content, "mu-plugins", "classic-editor.php"), []byte(classic), 0o644); err != nil {
		t.Fatal(err)
	}

	port := freePort(t, host)
	s.url = "http://" + host + ":" + port
	config := fmt.Sprintf(`<?php
define('DB_NAME', 'wordpress');
define('DB_USER', 'root');
define('DB_PASSWORD', '');
define('DB_HOST', 'localhost:%s');
define('WP_CONTENT_DIR', '%s');
define('WP_HOME', '%s');
define('WP_SITEURL', '%s');
define('WP_ENVIRONMENT_TYPE', 'local');
define('WP_HTTP_BLOCK_EXTERNAL', true);
define('AUTOMATIC_UPDATER_DISABLED', true);
// WordPress's own cron would run update checks beside the test (and rebuild
// rewrite rules while the install sets them); the plugin does not need it.
define('DISABLE_WP_CRON', true);
define('WP_DEBUG', true);
define('WP_DEBUG_DISPLAY', false);
define('WP_DEBUG_LOG', '%s');
`, sock, s.content, s.url, s.url, filepath.Join(dir, "debug.log"))
	if serviceURL != "" {
		config += fmt.Sprintf("define('ECOUTER_SERVICE_URL', '%s');\ndefine('ECOUTER_API_KEY', '%s');\n", serviceURL, apiKey)
	}
	conf := filepath.Join(wpConfigDir, "config-"+host+".php")
	if err := os.WriteFile(conf, []byte(config), 0o640); err != nil {
		t.Fatalf("write %s: %v", conf, err)
	}
	t.Cleanup(func() { os.Remove(conf) })

	// PHP's built-in server with a router: WordPress's front controller
	// for every path that is not a file, and wp-content from the test's
	// folder. Workers: the editor's request, WP-Cron's and ecouter's
	// reads of the REST API run at once.
	router := filepath.Join(dir, "router.php")
	if err := os.WriteFile(router, []byte(wpRouter), 0o644); err != nil {
		t.Fatal(err)
	}
	process(t, filepath.Join(dir, "php.log"), []string{"PHP_CLI_SERVER_WORKERS=4", "ECOUTER_WP_CONTENT=" + s.content, "ECOUTER_WP_PLAIN=" + s.plainFlag()},
		// No opcode cache: it would keep a config file the test rewrites.
		"php", "-d", "opcache.enable=0", "-S", host+":"+port, "-t", wpRoot, router)
	testwait.Eventually(t, func() bool {
		c, err := net.Dial("tcp", host+":"+port)
		if err == nil {
			c.Close()
		}
		return err == nil
	}, "PHP's server")

	var installed struct{ Password string }
	s.adminPass = fmt.Sprintf("mot-de-passe-%d", rand.Int64())
	if err := json.Unmarshal([]byte(s.php(wpInstall, "ECOUTER_WP_INSTALLING=1", "ECOUTER_WP_ADMIN_PASS="+s.adminPass)), &installed); err != nil || installed.Password == "" {
		t.Fatalf("install WordPress: %v", err)
	}
	s.appPass = installed.Password
	t.Cleanup(func() {
		if t.Failed() {
			// Errors, and the requests other than those of the player.
			for _, f := range []string{"debug.log", "php.log"} {
				b, _ := os.ReadFile(filepath.Join(dir, f))
				var keep []string
				for _, line := range strings.Split(string(b), "\n") {
					if strings.Contains(line, "PHP Fatal") || strings.Contains(line, "PHP Warning") && !strings.Contains(line, "WordPress.org") ||
						strings.Contains(line, "]: ") && !strings.Contains(line, "/wp-includes/") && !strings.Contains(line, "/wp-content/") {
						keep = append(keep, line)
					}
				}
				t.Logf("%s:\n%s", f, tail([]byte(strings.Join(keep, "\n")), 4000))
			}
		}
	})
	return s
}

func tail(b []byte, n int) []byte {
	if len(b) > n {
		return b[len(b)-n:]
	}
	return b
}

// plainFlag is the file whose presence makes the server stop rewriting.
func (s *wpSite) plainFlag() string { return filepath.Join(s.dir, "plain-permalinks") }

// php runs a PHP script with WordPress loaded, as the site's host.
func (s *wpSite) php(code string, env ...string) string {
	s.t.Helper()
	f := filepath.Join(s.dir, fmt.Sprintf("cli-%d.php", rand.Int()))
	if err := os.WriteFile(f, []byte(wpBoot+code), 0o644); err != nil {
		s.t.Fatal(err)
	}
	cmd := exec.Command("php", f)
	cmd.Env = append(os.Environ(), append(env, "ECOUTER_WP_HOST="+strings.TrimPrefix(s.url, "http://"))...)
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	if err := cmd.Run(); err != nil {
		s.t.Fatalf("php: %v\n%s\n%s", err, out.String(), errOut.String())
	}
	return out.String()
}

// rest calls the site's REST API as user 1 with its application password.
func (s *wpSite) rest(method, route string, body any) (int, []byte) {
	s.t.Helper()
	var r io.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		r = bytes.NewReader(b)
	}
	req, err := http.NewRequest(method, s.url+"/wp-json"+route, r)
	if err != nil {
		s.t.Fatal(err)
	}
	req.SetBasicAuth("redaction", s.appPass)
	req.Header.Set("Content-Type", "application/json")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		s.t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, b
}

const wpBoot = `<?php
$_SERVER['HTTP_HOST'] = getenv('ECOUTER_WP_HOST');
$_SERVER['SERVER_NAME'] = preg_replace('/:.*/', '', getenv('ECOUTER_WP_HOST'));
$_SERVER['REQUEST_URI'] = '/';
$_SERVER['REQUEST_METHOD'] = 'GET';
$_SERVER['SERVER_PROTOCOL'] = 'HTTP/1.1';
if (getenv('ECOUTER_WP_INSTALLING')) {
	define('WP_INSTALLING', true);
}
// No mail server here.
function wp_mail() { return true; }
require '/usr/share/wordpress/wp-load.php';
`

const wpInstall = `
require_once ABSPATH . 'wp-admin/includes/upgrade.php';
require_once ABSPATH . 'wp-admin/includes/plugin.php';
wp_install('Le Quotidien de test', 'redaction', 'redaction@example.org', true, '', getenv('ECOUTER_WP_ADMIN_PASS'));
// Through $wp_rewrite: it holds the structure the rules are built from.
$wp_rewrite->set_permalink_structure('/%year%/%monthnum%/%postname%/');
$wp_rewrite->flush_rules(false);
switch_theme('twentytwentythree');
wp_insert_post(array('post_title' => 'Le budget de la ville est voté', 'post_status' => 'publish', 'post_author' => 1,
	'post_content' => '<!-- wp:paragraph --><p>Un article plus ancien, listé par le bloc des derniers articles.</p><!-- /wp:paragraph -->'));
$err = activate_plugin('ecouter/ecouter.php');
if (is_wp_error($err)) {
	fwrite(STDERR, $err->get_error_message());
	exit(1);
}
list($password) = WP_Application_Passwords::create_new_application_password(1, array('name' => 'ecouter-test'));
echo json_encode(array('password' => $password));
`

const wpRouter = `<?php
$path = urldecode(parse_url($_SERVER['REQUEST_URI'], PHP_URL_PATH));
if (strpos($path, '/wp-content/') === 0) {
	$f = realpath(getenv('ECOUTER_WP_CONTENT') . substr($path, strlen('/wp-content')));
	if ($f && is_file($f) && substr($f, -4) !== '.php') {
		$types = array('css' => 'text/css', 'js' => 'text/javascript', 'svg' => 'image/svg+xml', 'woff2' => 'font/woff2', 'png' => 'image/png');
		$ext = pathinfo($f, PATHINFO_EXTENSION);
		header('Content-Type: ' . (isset($types[$ext]) ? $types[$ext] : 'application/octet-stream'));
		readfile($f);
		return true;
	}
}
// Files, and folders with an index.php (/wp-admin/), as PHP's server has them.
if ($path !== '/' && (is_file($_SERVER['DOCUMENT_ROOT'] . $path) || is_file($_SERVER['DOCUMENT_ROOT'] . rtrim($path, '/') . '/index.php'))) {
	return false;
}
// Plain permalinks: no rewriting, as a server without WordPress's rewrite
// rules, so only real files and the home page exist.
if ($path !== '/' && is_file(getenv('ECOUTER_WP_PLAIN'))) {
	http_response_code(404);
	echo 'Not Found';
	return true;
}
$_SERVER['SCRIPT_NAME'] = '/index.php';
$_SERVER['PHP_SELF'] = '/index.php';
require $_SERVER['DOCUMENT_ROOT'] . '/index.php';
`

// wpPost is the block editor's markup of a news article: headings, a
// figure with its caption, an embed, the shortcodes of a page builder no
// longer installed, a quote, a list, and a Latest Posts block under "À lire
// aussi".
const wpPost = `<!-- wp:paragraph -->
<p>Le conseil municipal a voté jeudi soir la création d’une deuxième ligne de tramway. Les travaux commenceront au printemps prochain.</p>
<!-- /wp:paragraph -->

<!-- wp:heading -->
<h2>Un chantier de deux ans</h2>
<!-- /wp:heading -->

<!-- wp:paragraph -->
<p>La ligne reliera la gare au nouveau quartier <em>des Rives</em> en vingt minutes. Elle comptera quatorze stations.</p>
<!-- /wp:paragraph -->

<!-- wp:image -->
<figure class="wp-block-image"><img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=" alt=""/><figcaption class="wp-element-caption">Légende de la photo, à ne pas lire.</figcaption></figure>
<!-- /wp:image -->

<!-- wp:embed {"url":"https://www.youtube.com/watch?v=dQw4w9WgXcQ","type":"video","providerNameSlug":"youtube","responsive":true} -->
<figure class="wp-block-embed is-type-video is-provider-youtube wp-block-embed-youtube"><div class="wp-block-embed__wrapper">
https://www.youtube.com/watch?v=dQw4w9WgXcQ
</div></figure>
<!-- /wp:embed -->

<!-- wp:shortcode -->
[vc_row][vc_column width="1/2"][vc_column_text]Le tracé a été validé par la préfecture.[/vc_column_text][/vc_column][/vc_row]
<!-- /wp:shortcode -->

<!-- wp:quote -->
<blockquote class="wp-block-quote"><!-- wp:paragraph -->
<p>Nous tiendrons les délais et le budget.</p>
<!-- /wp:paragraph --><cite>La maire</cite></blockquote>
<!-- /wp:quote -->

<!-- wp:list -->
<ul><!-- wp:list-item -->
<li>Le coût est estimé à deux cents millions d’euros.</li>
<!-- /wp:list-item -->

<!-- wp:list-item -->
<li>Les premières rames arriveront dans trois ans.</li>
<!-- /wp:list-item --></ul>
<!-- /wp:list -->

<!-- wp:heading -->
<h2>À lire aussi</h2>
<!-- /wp:heading -->

<!-- wp:latest-posts /-->

<!-- wp:paragraph -->
<p>Une réunion publique aura lieu le mois prochain.</p>
<!-- /wp:paragraph -->`

// ecouterServe runs `ecouter serve` on addr until the test ends.
func ecouterServe(t *testing.T, addr string, env map[string]string) string {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	logFile, err := os.Create(filepath.Join(t.TempDir(), "ecouter.log"))
	if err != nil {
		t.Fatal(err)
	}
	go func() {
		done <- run(ctx, []string{"serve", "-addr", addr}, func(k string) string { return env[k] }, io.Discard, logFile)
	}()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("ecouter serve: %v", err)
		}
		if t.Failed() {
			b, _ := os.ReadFile(logFile.Name())
			t.Logf("ecouter log:\n%s", tail(b, 4000))
		}
		logFile.Close()
	})
	base := "http://" + addr
	testwait.Eventually(t, func() bool {
		res, err := http.Get(base + "/healthz")
		if err == nil {
			res.Body.Close()
		}
		return err == nil && res.StatusCode == 200
	}, "ecouter serve")
	return base
}

// manifestStatus is the manifest's status and content key, or the HTTP
// status when there is no manifest.
func manifestStatus(t *testing.T, base, id string) (manifestJSON, int) {
	t.Helper()
	res, body := get(t, base+"/v1/articles/"+id)
	var m manifestJSON
	if res.StatusCode == 200 {
		if err := json.Unmarshal(body, &m); err != nil {
			t.Fatalf("manifest %s: %v", id, err)
		}
	}
	return m, res.StatusCode
}

func TestWordPressEndToEnd(t *testing.T) {
	start := time.Now()
	host := fmt.Sprintf("127.%d.%d.%d", 100+rand.IntN(100), 1+rand.IntN(250), 1+rand.IntN(250))
	ecouterAddr := host + ":" + freePort(t, host)
	site := startWordPress(t, host, "http://"+ecouterAddr, testKey)
	store := t.TempDir()
	env := map[string]string{
		"ECOUTER_ARTICLES": "wordpress:" + site.url, "ECOUTER_STORE": store, "ECOUTER_API_KEY": testKey,
		"ECOUTER_ALLOWED_ORIGINS": site.url, "ECOUTER_LOG_LEVEL": "debug",
	}
	base := ecouterServe(t, ecouterAddr, env)
	t.Logf("WordPress and ecouter ready in %v", time.Since(start).Round(time.Millisecond))

	// Publish through the REST API, as the block editor does: the plugin
	// has the article rendered with no listener.
	published := time.Now()
	code, body := site.rest("POST", "/wp/v2/posts", map[string]any{
		"title": "Une deuxième ligne de tramway pour la ville", "content": wpPost, "status": "publish",
	})
	if code != 201 {
		t.Fatalf("publish: %d %s", code, body)
	}
	var post struct {
		ID      int    `json:"id"`
		Link    string `json:"link"`
		Content struct {
			Rendered string `json:"rendered"`
		} `json:"content"`
	}
	if err := json.Unmarshal(body, &post); err != nil {
		t.Fatal(err)
	}
	id := strconv.Itoa(post.ID)
	// WordPress renders the shortcodes a plugin registers; the page
	// builder's reach its REST API as text, for ecouter to leave out.
	if !strings.Contains(post.Content.Rendered, "[vc_row]") {
		t.Fatalf("the REST API's content has no raw shortcode, so the test proves nothing:\n%s", post.Content.Rendered)
	}
	var m manifestJSON
	testwait.Eventually(t, func() bool {
		m, _ = manifestStatus(t, base, id)
		return m.Status == "ready"
	}, "the published post's audio")
	readyIn := time.Since(published)
	t.Logf("publish to ready audio: %.2f s (%.1f s of audio)", readyIn.Seconds(), m.Duration)

	// What is read: the text, without the caption, the embed, the
	// "À lire aussi" heading or the Latest Posts list under it.
	var spoken []string
	for _, c := range m.Cues {
		spoken = append(spoken, c.Text)
	}
	all := strings.Join(spoken, "\n")
	for _, want := range []string{"deuxième ligne de tramway", "Un chantier de deux ans", "quatorze stations", "Nous tiendrons les délais",
		"premières rames", "réunion publique", "Le tracé a été validé par la préfecture."} {
		if !strings.Contains(all, want) {
			t.Errorf("the narration lacks %q:\n%s", want, all)
		}
	}
	for _, not := range []string{"Légende", "youtube", "lire aussi", "budget de la ville", "Un article plus ancien", "vc_", "[", "width"} {
		if strings.Contains(strings.ToLower(all), strings.ToLower(not)) {
			t.Errorf("the narration reads %q:\n%s", not, all)
		}
	}

	// The post's page: one button, the script once, no key.
	res, page := get(t, post.Link)
	if res.StatusCode != 200 {
		t.Fatalf("post page %s: %d", post.Link, res.StatusCode)
	}
	if n := bytes.Count(page, []byte(`data-ecouter-article="`+id+`"`)); n != 1 {
		t.Errorf("the post's page has %d buttons, want 1", n)
	}
	if n := regexp.MustCompile(`<script[^>]+src=['"]http://`+regexp.QuoteMeta(ecouterAddr)+`/player\.js`).FindAll(page, -1); len(n) != 1 {
		t.Errorf("the post's page loads player.js %d times, want once", len(n))
	}
	if bytes.Contains(page, []byte(testKey)) {
		t.Error("the post's page shows the API key")
	}

	// The editor's status box, through the plugin's REST route.
	code, body = site.rest("GET", "/ecouter/v1/posts/"+id, nil)
	var box struct {
		Status   string  `json:"status"`
		Duration float64 `json:"duration"`
		Voice    string  `json:"voice"`
		Error    string  `json:"error"`
	}
	if code != 200 || json.Unmarshal(body, &box) != nil || box.Status != "ready" || box.Voice == "" || box.Error != "" ||
		box.Duration != m.Duration || bytes.Contains(body, []byte(testKey)) {
		t.Errorf("status box: %d %s", code, body)
	}

	t.Run("browser", func(t *testing.T) { wordpressInBrowser(t, post.Link, m) })
	t.Run("editor", func(t *testing.T) { wordpressEditor(t, site, base, id) })

	// Placed by hand: the [ecouter] shortcode and the "Écouter" block draw
	// the same button.
	for _, markup := range []string{`[ecouter id="` + id + `"]`, `<!-- wp:ecouter/player /-->`} {
		out := site.php(fmt.Sprintf(`$GLOBALS['post'] = get_post(%s); setup_postdata($GLOBALS['post']); echo do_blocks(do_shortcode(%q));`, id, markup))
		if !strings.Contains(out, `data-ecouter-article="`+id+`"`) || !strings.Contains(out, `data-ecouter-text-selector=`) {
			t.Errorf("%s draws %q", markup, out)
		}
	}

	// The settings page says where the key comes from, never what it is.
	settings := site.php(`require_once ABSPATH . 'wp-admin/includes/plugin.php';
require_once ABSPATH . 'wp-admin/includes/template.php';
wp_set_current_user(1);
ecouter_settings_page();`)
	if !strings.Contains(settings, "ECOUTER_API_KEY") || !strings.Contains(settings, "http://"+ecouterAddr) || strings.Contains(settings, testKey) {
		t.Errorf("settings page:\n%s", settings)
	}

	withdrawn := func(what string, start time.Time) {
		t.Helper()
		testwait.Eventually(t, func() bool {
			_, code := manifestStatus(t, base, id)
			return code == http.StatusGone
		}, "410 after %s", what)
		// The plugin's call, not the service's article TTL (5 min), took
		// the audio down: however long a busy machine took, not that long.
		if took := time.Since(start); took >= render.DefaultArticleTTL {
			t.Fatalf("%s to 410 took %v, the article TTL: the plugin's call did not withdraw it", what, took)
		}
		t.Logf("%s to 410: %.2f s", what, time.Since(start).Seconds())
		for _, route := range []string{"/audio.mp3", "/transcript.vtt", "/download"} {
			if res, body := get(t, base+"/v1/articles/"+id+route); res.StatusCode != http.StatusGone {
				t.Errorf("%s: %s answers %d %s, want 410", what, route, res.StatusCode, body)
			}
		}
		if _, feed := get(t, base+"/feed.xml"); bytes.Contains(feed, []byte("ecouter:"+id)) {
			t.Errorf("%s: the article is still in the feed", what)
		}
	}
	// The editor's "Pas d'audio pour cet article" switch, as its meta box
	// form saves it: on withdraws the audio and the button, off renders
	// it again.
	switchAudio := func(off bool) {
		set := ""
		if off {
			set = "$_POST['ecouter_disabled'] = '1';"
		}
		site.php(fmt.Sprintf(`wp_set_current_user(1);
$_POST['ecouter_meta_nonce'] = wp_create_nonce('ecouter_meta');
%s
ecouter_save_meta_box(%s, get_post(%s));`, set, id, id))
	}
	switched := time.Now()
	switchAudio(true)
	withdrawn("the switch", switched)
	if _, page := get(t, post.Link); bytes.Contains(page, []byte("data-ecouter-article")) {
		t.Error("the button is still on the page of a post without audio")
	}
	switchAudio(false)
	testwait.Eventually(t, func() bool {
		m, _ := manifestStatus(t, base, id)
		return m.Status == "ready"
	}, "the audio back after the switch")

	// An error from the service is kept and shown in the editor's box
	// until a call succeeds: here a wrong key in wp-config.php.
	conf := filepath.Join(wpConfigDir, "config-"+host+".php")
	good, err := os.ReadFile(conf)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(conf, bytes.Replace(good, []byte(testKey), []byte("une-mauvaise-cle"), 1), 0o640); err != nil {
		t.Fatal(err)
	}
	code, body = site.rest("POST", "/ecouter/v1/posts/"+id+"/render", nil)
	if err := json.Unmarshal(body, &box); err != nil || code != 200 || !strings.Contains(box.Error, "HTTP 401") || strings.Contains(string(body), "une-mauvaise-cle") {
		t.Errorf("Régénérer with a wrong key: %d %s", code, body)
	}
	if code, body = site.rest("GET", "/ecouter/v1/posts/"+id, nil); !strings.Contains(string(body), "HTTP 401") {
		t.Errorf("the box lost the error: %d %s", code, body)
	}
	if err := os.WriteFile(conf, good, 0o640); err != nil {
		t.Fatal(err)
	}
	box.Error = ""
	code, body = site.rest("POST", "/ecouter/v1/posts/"+id+"/render", nil)
	if err := json.Unmarshal(body, &box); err != nil || code != 200 || box.Error != "" {
		t.Errorf("Régénérer with the right key: %d %s", code, body)
	}

	// An update renders again, with no listener either.
	updated := time.Now()
	code, body = site.rest("POST", "/wp/v2/posts/"+id, map[string]any{
		"content": strings.Replace(wpPost, "Elle comptera quatorze stations.", "Elle comptera seize stations.", 1),
	})
	if code != 200 {
		t.Fatalf("update: %d %s", code, body)
	}
	testwait.Eventually(t, func() bool {
		m2, _ := manifestStatus(t, base, id)
		if m2.Status == "ready" && m2.Key != m.Key {
			m = m2
			return true
		}
		return false
	}, "the updated post's audio")
	t.Logf("update to new audio: %.2f s", time.Since(updated).Seconds())
	if all := fmt.Sprint(m.Cues); !strings.Contains(all, "seize stations") {
		t.Errorf("the new audio does not read the update: %s", all)
	}

	// Back to draft, republished, trashed, deleted: the plugin withdraws
	// the audio at once (410, out of the feed) and a new publication
	// brings it back.
	unpublished := time.Now()
	if code, body := site.rest("POST", "/wp/v2/posts/"+id, map[string]any{"status": "draft"}); code != 200 {
		t.Fatalf("back to draft: %d %s", code, body)
	}
	withdrawn("back to draft", unpublished)
	if code, body := site.rest("POST", "/wp/v2/posts/"+id, map[string]any{"status": "publish"}); code != 200 {
		t.Fatalf("publish again: %d %s", code, body)
	}
	testwait.Eventually(t, func() bool {
		m, _ := manifestStatus(t, base, id)
		return m.Status == "ready"
	}, "the audio back after a new publication")
	trashed := time.Now()
	if code, body := site.rest("DELETE", "/wp/v2/posts/"+id, nil); code != 200 {
		t.Fatalf("trash: %d %s", code, body)
	}
	withdrawn("trash", trashed)
	deleted := time.Now()
	if code, body := site.rest("DELETE", "/wp/v2/posts/"+id+"?force=true", nil); code != 200 {
		t.Fatalf("delete: %d %s", code, body)
	}
	withdrawn("delete", deleted)

	// A draft is not public: WordPress answers 401, ecouter says 404, not
	// 502.
	code, body = site.rest("POST", "/wp/v2/posts", map[string]any{"title": "Brouillon", "content": "<p>Pas encore.</p>", "status": "draft"})
	var draft struct{ ID int }
	if code != 201 || json.Unmarshal(body, &draft) != nil {
		t.Fatalf("draft: %d %s", code, body)
	}
	if _, code := manifestStatus(t, base, strconv.Itoa(draft.ID)); code != 404 {
		t.Errorf("a draft's manifest: %d, want 404", code)
	}

	// A site with plain permalinks: no /wp-json/, the same API at
	// ?rest_route=, listing included.
	code, body = site.rest("POST", "/wp/v2/posts", map[string]any{"title": "Le marché rouvre samedi", "status": "publish",
		"content": "<!-- wp:paragraph --><p>Les commerçants reviennent sur la place rénovée.</p><!-- /wp:paragraph -->"})
	var second struct{ ID int }
	if code != 201 || json.Unmarshal(body, &second) != nil {
		t.Fatalf("second post: %d %s", code, body)
	}
	id2 := strconv.Itoa(second.ID)
	testwait.Eventually(t, func() bool {
		m, _ := manifestStatus(t, base, id2)
		return m.Status == "ready"
	}, "the second post's audio")
	site.php(`$wp_rewrite->set_permalink_structure(''); $wp_rewrite->flush_rules(false);`)
	if err := os.WriteFile(site.plainFlag(), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	if res, _ := get(t, site.url+"/wp-json/"); res.StatusCode != 404 {
		t.Fatalf("plain permalinks: /wp-json/ answers %d, want 404", res.StatusCode)
	}
	plainAddr := host + ":" + freePort(t, host)
	plainEnv := map[string]string{"ECOUTER_ARTICLES": "wordpress:" + site.url, "ECOUTER_STORE": store, "ECOUTER_API_KEY": testKey}
	plain := ecouterServe(t, plainAddr, plainEnv)
	if res, body := get(t, plain+"/v1/articles/"+id2+"/script"); res.StatusCode != 200 || !bytes.Contains(body, []byte("place rénovée")) {
		t.Errorf("plain permalinks: script %d %s", res.StatusCode, body)
	}
	var out, errOut bytes.Buffer
	if err := run(context.Background(), []string{"render", "-recent", "1"}, func(k string) string { return plainEnv[k] }, &out, &errOut); err != nil ||
		!strings.HasPrefix(out.String(), id2+": ") {
		t.Errorf("render -recent 1 on plain permalinks: %v, %q %q", err, out.String(), errOut.String())
	}
	t.Logf("WordPress end-to-end test: %v", time.Since(start).Round(time.Millisecond))
}

// wordpressInBrowser opens the post's page in Chromium as a phone would:
// the button says how long the audio is, every control is a 44 px touch
// target, a tap plays it and the sentence read is highlighted in the real
// page's text.
func wordpressInBrowser(t *testing.T, link string, m manifestJSON) {
	ctx := browser(t)
	act(t, ctx, "emulate a phone", chromedp.EmulateViewport(390, 844, chromedp.EmulateScale(3), chromedp.EmulateMobile, chromedp.EmulateTouch))
	act(t, ctx, "open the post", chromedp.Navigate(link))
	s := pageWait(t, ctx, "the player to be ready", func(s pageState) bool { return s.State == "idle" })
	want := fmt.Sprintf("Écouter · %d min", max(1, int(m.Duration/60+0.5)))
	if s.Label != want {
		t.Errorf("button says %q, want %q", s.Label, want)
	}
	coarse, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`matchMedia("(pointer: coarse)").matches`))
	if err != nil {
		t.Fatal(err)
	}
	sizes := checkTouchTargets(t, ctx)
	t.Logf("touch targets on a 390 px phone screen (pointer coarse: %v): %+v", coarse, sizes)
	if n := checkMarks(t, m, s); n < len(m.Cues)-3 {
		t.Errorf("%d of %d sentences found in the page's text: %v", n, len(m.Cues), s.Marked)
	}

	center, err := chromedp.Run(ctx, chromedp.Evaluate[struct{ X, Y float64 }](
		`(() => { const r = document.querySelector("button[data-ecouter-article]").getBoundingClientRect(); return {x: r.left + r.width / 2, y: r.top + r.height / 2}; })()`))
	if err != nil {
		t.Fatal(err)
	}
	act(t, ctx, "tap the button", chromedp.TapXY(center.X, center.Y))
	s = pageWait(t, ctx, "a sentence of the page to be highlighted", func(s pageState) bool {
		return s.State == "playing" && len(s.Current) == 1 && s.Current[0] >= 2
	})
	inText, err := chromedp.Run(ctx, chromedp.Evaluate[string](
		`[...document.querySelectorAll(".wp-block-post-content .ecouter-current")].map(e => e.textContent).join("")`))
	if err != nil {
		t.Fatal(err)
	}
	if got, want := letters(inText), letters(m.Cues[s.Current[0]].Text); got == "" || got != want {
		t.Errorf("highlighted in the post's text: %q, the sentence read is %q", inText, m.Cues[s.Current[0]].Text)
	}
}

// wordpressEditor logs in as the site's editor and opens the post in the
// block editor and in the classic one: the "Écouter" box shows the
// audio's status from the manifest, and its "Pas d'audio pour cet article"
// switch, saved with the post, withdraws the audio.
func wordpressEditor(t *testing.T, site *wpSite, base, id string) {
	ctx := browser(t)
	act(t, ctx, "log in", chromedp.Navigate(site.url+"/wp-login.php"),
		chromedp.SetValue(chromedp.CSS("#user_login"), "redaction"),
		chromedp.SetValue(chromedp.CSS("#user_pass"), site.adminPass),
		chromedp.Click(chromedp.CSS("#wp-submit")),
		chromedp.WaitVisible(chromedp.CSS("#wpadminbar")))
	status := `(document.querySelector("#ecouter-box .ecouter-box-status") || {}).dataset?.status || ""`
	for _, editor := range []string{"block", "classic"} {
		u := site.url + "/wp-admin/post.php?action=edit&post=" + id
		if editor == "classic" {
			u += "&classic=1"
		}
		act(t, ctx, "open the "+editor+" editor", chromedp.Navigate(u))
		poll(t, ctx, status, "the box's status in the "+editor+" editor", func(s string) bool { return s == "ready" })
	}
	// In the classic editor: the switch, saved with the post. The form is
	// sent as "Update" sends it, from the page (a click would also have the
	// editor ask before leaving a page it thinks changed, a dialog nobody
	// answers here); then the editor is opened again.
	u := site.url + "/wp-admin/post.php?action=edit&classic=1&post=" + id
	save := func(what string, want string) {
		t.Helper()
		code, err := chromedp.Run(ctx, chromedp.Evaluate[int](`(() => {
			document.querySelector('#ecouter-box input[name="ecouter_disabled"]').click();
			const form = document.querySelector("form#post"), data = new FormData(form);
			data.set("save", "Update");
			// form.action would be its input named "action".
			return fetch(form.getAttribute("action"), {method: "POST", body: data, credentials: "same-origin"}).then(r => r.status);
		})()`, chromedp.EvalAwaitPromise))
		if err != nil || code != 200 {
			t.Fatalf("%s: %d %v", what, code, err)
		}
		act(t, ctx, "open the classic editor again", chromedp.Navigate(u))
		poll(t, ctx, status, "the box to say "+want, func(s string) bool { return s == want })
	}
	save("switch the audio off and update", "withdrawn")
	if _, code := manifestStatus(t, base, id); code != http.StatusGone {
		t.Errorf("after the switch in the classic editor: manifest %d, want 410", code)
	}
	save("switch the audio on and update", "ready")
}
