package main

import (
	"bytes"
	"context"
	"log/slog"
	"path/filepath"
	"strings"
	"testing"

	"ecouter/cluster/natstest"
)

func TestNATSSettings(t *testing.T) {
	load := func(env map[string]string) (Config, error) {
		return LoadConfig(func(k string) string { return env[k] })
	}
	cfg, err := load(map[string]string{"ECOUTER_STORE": "/srv/ecouter/audio"})
	if err != nil {
		t.Fatal(err)
	}
	n := cfg.NATS
	if n.Mode != "on" || n.off() || n.URL != "" || n.Dir != filepath.FromSlash("/srv/ecouter/nats") || n.Replicas != 1 || n.Attempts != 5 || n.several() {
		t.Fatalf("defaults: %+v", n)
	}
	if cfg, _ := load(map[string]string{"ECOUTER_STORE": "s3://bucket/x"}); cfg.NATS.Dir != filepath.Join("data", "nats") {
		t.Fatalf("NATS dir with S3: %s", cfg.NATS.Dir)
	}
	if cfg, err := load(map[string]string{"ECOUTER_NATS": "off"}); err != nil || !cfg.NATS.off() || cfg.NATS.several() {
		t.Fatalf("ECOUTER_NATS=off: %+v, %v", cfg.NATS, err)
	}
	cfg, err = load(map[string]string{
		"ECOUTER_NATS_URL": "nats://ecouter:hunter2@a:4222,nats://b:4222", "ECOUTER_NATS_REPLICAS": "3",
		"ECOUTER_QUEUE_ATTEMPTS": "2", "ECOUTER_QUEUE_BACKOFF": "1s", "ECOUTER_NATS_LEASE": "5s",
	})
	if err != nil {
		t.Fatal(err)
	}
	if !cfg.NATS.several() || cfg.NATS.Replicas != 3 || cfg.NATS.Attempts != 2 || cfg.NATS.Lease.Seconds() != 5 {
		t.Fatalf("cluster settings: %+v", cfg.NATS)
	}
	var buf bytes.Buffer
	slog.New(slog.NewTextHandler(&buf, nil)).Info("start", "config", cfg)
	for _, key := range []string{"nats.mode", "nats.url", "nats.creds", "nats.dir", "nats.replicas", "nats.lease", "nats.queue_attempts", "nats.queue_backoff"} {
		if !strings.Contains(buf.String(), "config."+key+"=") {
			t.Errorf("the start-up log does not show %s", key)
		}
	}
	if strings.Contains(buf.String(), "hunter2") || !strings.Contains(buf.String(), "nats://***@a:4222") {
		t.Errorf("NATS URL not redacted: %s", buf.String())
	}
	for _, bad := range []map[string]string{
		{"ECOUTER_NATS_REPLICAS": "0"}, {"ECOUTER_QUEUE_ATTEMPTS": "0"}, {"ECOUTER_NATS_LEASE": "10ms"},
		// A node alone cannot join a cluster; on and off only.
		{"ECOUTER_NATS": "off", "ECOUTER_NATS_URL": "nats://a:4222"}, {"ECOUTER_NATS": "embedded"},
	} {
		if _, err := load(bad); err == nil {
			t.Errorf("%v accepted", bad)
		}
	}
}

// With an external NATS, ecouter render takes the cluster's leases like
// a serving node (and renders as before).
func TestRenderCommandOnCluster(t *testing.T) {
	nats := natstest.Start(t, 1)
	env := map[string]string{
		"ECOUTER_ARTICLES": "dir:" + articleDir(t), "ECOUTER_STORE": t.TempDir(), "ECOUTER_NATS_URL": nats.URL(),
	}
	var out, errOut syncBuffer
	if err := run(context.Background(), []string{"render", "court"}, func(k string) string { return env[k] }, &out, &errOut); err != nil {
		t.Fatalf("render: %v\n%s", err, errOut.String())
	}
	if !strings.Contains(errOut.String(), `msg="NATS ready" embedded=false`) || !strings.Contains(out.String(), "court:") {
		t.Fatalf("render on a cluster:\n%s\n%s", out.String(), errOut.String())
	}
}
