package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"time"

	"ecouter/jobs"
)

// jobsCmd shows the running service's render queue (every node's), and
// retries failed jobs: ecouter jobs [-retry ID,ID | -retry-all]. It asks
// the service over HTTP with the API key, since the queue's embedded NATS
// is reachable only inside the service.
func jobsCmd(ctx context.Context, cfg Config, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("jobs", flag.ContinueOnError)
	fs.SetOutput(stderr)
	base := fs.String("url", "", "the service's base URL (default: http://127.0.0.1 on ECOUTER_ADDR's port)")
	retry := fs.String("retry", "", "retry these failed jobs (comma-separated article IDs)")
	retryAll := fs.Bool("retry-all", false, "retry every failed job")
	asJSON := fs.Bool("json", false, "print the queue as JSON")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if cfg.APIKey == "" {
		return errors.New("jobs: set ECOUTER_API_KEY (the service's API key)")
	}
	if *base == "" {
		_, port, err := net.SplitHostPort(cfg.Addr)
		if err != nil {
			return fmt.Errorf("jobs: %w", err)
		}
		*base = "http://127.0.0.1:" + port
	}
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	c := jobsClient{base: strings.TrimRight(*base, "/"), key: cfg.APIKey}
	if *retry != "" || *retryAll {
		ids := []string{}
		if !*retryAll {
			for _, id := range strings.Split(*retry, ",") {
				ids = append(ids, strings.TrimSpace(id))
			}
		}
		var out struct{ Retried int }
		if err := c.do(ctx, http.MethodPost, "/v1/jobs/retry", map[string][]string{"ids": ids}, &out); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "%d failed jobs queued again\n", out.Retried)
		return nil
	}
	var st jobs.Stats
	if err := c.do(ctx, http.MethodGet, "/v1/jobs", nil, &st); err != nil {
		return err
	}
	if *asJSON {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(st)
	}
	fmt.Fprintf(stdout, "queued %d, running %d, failed %d, done %d, dropped %d (last 24 h)\n", st.Queued, st.Running, st.Failed, st.Done, st.Dropped)
	if !st.Oldest.IsZero() {
		fmt.Fprintf(stdout, "oldest job queued %s ago\n", time.Since(st.Oldest).Round(time.Second))
	}
	for _, f := range st.Failures {
		fmt.Fprintf(stdout, "failed %s after %d attempts (%s): %s\n", f.ID, f.Attempts, f.FailedAt.Local().Format(time.DateTime), f.Error)
	}
	return nil
}

type jobsClient struct{ base, key string }

func (c jobsClient) do(ctx context.Context, method, path string, body, out any) error {
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return err
		}
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, c.base+path, rd)
	if err != nil {
		return fmt.Errorf("jobs: %w", err)
	}
	req.Header.Set("Authorization", "Bearer "+c.key)
	req.Header.Set("Content-Type", "application/json")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		return fmt.Errorf("jobs: %w", err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(io.LimitReader(res.Body, 16<<20))
	if err != nil {
		return fmt.Errorf("jobs: %w", err)
	}
	if res.StatusCode != http.StatusOK {
		var e struct{ Error string }
		_ = json.Unmarshal(b, &e)
		return fmt.Errorf("jobs: %s %s: status %d: %s", method, path, res.StatusCode, e.Error)
	}
	if err := json.Unmarshal(b, out); err != nil {
		return fmt.Errorf("jobs: %s: %w", path, err)
	}
	return nil
}
