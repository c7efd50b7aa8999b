package main

import (
	"bytes"
	"context"
	"log/slog"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"strings"
	"testing"
)

// readmeRow is one row of the README's Configuration table.
var readmeRow = regexp.MustCompile("^\\| `(ECOUTER_[A-Z0-9_]+)`( \\(or `(ECOUTER_[A-Z0-9_]+)`\\))? \\|(.*?)\\| (.+) \\|$")

// The README's Configuration table is the settings table as users read it:
// one row per variable, the same default, the _FILE variant named where
// there is one, and no variable the code does not know.
func TestREADMEConfigurationTable(t *testing.T) {
	b, err := os.ReadFile(filepath.Join("..", "..", "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	_, section, _ := strings.Cut(string(b), "\n## Configuration\n")
	section, _, _ = strings.Cut(section, "\n## ")
	type row struct{ file, def string }
	rows := map[string]row{}
	for _, line := range strings.Split(section, "\n") {
		if !strings.HasPrefix(line, "| `") {
			continue
		}
		m := readmeRow.FindStringSubmatch(line)
		if m == nil {
			t.Errorf("README row does not name one variable, its default and meaning:\n%s", line)
			continue
		}
		if _, dup := rows[m[1]]; dup {
			t.Errorf("README: %s has two rows", m[1])
		}
		rows[m[1]] = row{file: m[3], def: strings.TrimSpace(m[4])}
	}
	var c Config
	for _, s := range c.settings() {
		if s.meaning == "" {
			t.Errorf("%s: no meaning in the table", s.env)
		}
		r, ok := rows[s.env]
		if !ok {
			t.Errorf("README's Configuration table has no row for %s (default %s)", s.env, s.readmeDefault())
			continue
		}
		delete(rows, s.env)
		if r.def != s.readmeDefault() {
			t.Errorf("README: %s defaults to %q, the code to %q", s.env, r.def, s.readmeDefault())
		}
		if want := map[bool]string{true: s.env + "_FILE"}[s.file]; r.file != want {
			t.Errorf("README: %s names %q as its file variant, want %q", s.env, r.file, want)
		}
	}
	for env := range rows {
		t.Errorf("README's Configuration table has %s, which the code does not know", env)
	}
}

// Every default the table gives as a value is one a user may write: set
// to it, each setting loads the same configuration as unset.
func TestSettingDefaultsRoundTrip(t *testing.T) {
	unset, err := LoadConfig(func(string) string { return "" })
	if err != nil {
		t.Fatal(err)
	}
	var c Config
	for _, s := range c.settings() {
		if s.doc != "" || s.def() == "" {
			continue
		}
		env := map[string]string{s.env: s.def()}
		cfg, err := LoadConfig(func(k string) string { return env[k] })
		if err != nil || !reflect.DeepEqual(cfg, unset) {
			t.Errorf("%s=%s: not the default (%v)", s.env, s.def(), err)
		}
	}
}

// Every setting read from a file is hidden in the start-up log, and never
// quoted in an error.
func TestSecretSettingsHidden(t *testing.T) {
	const secret = "nats://user:hunter2@example:4222"
	var c Config
	for _, s := range c.settings() {
		if !s.file {
			continue
		}
		path := filepath.Join(t.TempDir(), "secret")
		if err := os.WriteFile(path, []byte(secret+"\n"), 0o600); err != nil {
			t.Fatal(err)
		}
		env := map[string]string{s.env + "_FILE": path}
		cfg, err := LoadConfig(func(k string) string { return env[k] })
		if err != nil {
			t.Fatalf("%s_FILE: %v", s.env, err)
		}
		var buf bytes.Buffer
		slog.New(slog.NewTextHandler(&buf, nil)).Info("start", "config", cfg)
		if !strings.Contains(buf.String(), "set (hidden)") && !strings.Contains(buf.String(), "***@example") {
			t.Errorf("%s_FILE: the value was not read: %s", s.env, buf.String())
		}
		if strings.Contains(buf.String(), "hunter2") {
			t.Errorf("%s_FILE: the start-up log shows the secret: %s", s.env, buf.String())
		}
		if err := s.fault(secret, os.ErrInvalid); strings.Contains(err.Error(), "hunter2") {
			t.Errorf("%s: an error quotes the secret: %v", s.env, err)
		}
	}
}

// ecouter help lists every setting with its default.
func TestHelpListsSettings(t *testing.T) {
	var out, errOut bytes.Buffer
	if err := run(context.Background(), []string{"help"}, func(string) string { return "" }, &out, &errOut); err != nil {
		t.Fatal(err)
	}
	var c Config
	for _, s := range c.settings() {
		if !strings.Contains(out.String(), "  "+s.env+" ") {
			t.Errorf("ecouter help does not list %s:\n%s", s.env, out.String())
		}
	}
	if !strings.Contains(out.String(), "listen address; default: :8080") {
		t.Errorf("ecouter help does not give the defaults:\n%s", out.String())
	}
}
