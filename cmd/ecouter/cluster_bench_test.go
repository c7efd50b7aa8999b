package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"ecouter/cluster/natstest"
	"ecouter/synth/polly/pollytest"
)

// BenchmarkClusterBatch is the wall time of a 60-article batch posted to
// one node, with one and with three `ecouter serve` processes sharing a
// folder store and a 3-node NATS cluster, Polly answering in 40 ms. On
// one machine the nodes share its cores: mostly a correctness figure.
//
//	go test -run '^$' -bench ClusterBatch -benchtime 1x ./cmd/ecouter/
func BenchmarkClusterBatch(b *testing.B) {
	for _, nodes := range []int{1, 3} {
		b.Run(fmt.Sprintf("nodes=%d", nodes), func(b *testing.B) {
			for range b.N {
				b.StopTimer()
				polly := pollytest.New(b, pollytest.Options{Delay: 40 * time.Millisecond})
				polly.Setenv(b)
				nats := natstest.Start(b, 3)
				texts := map[string]string{}
				var ids []string
				for i := range 60 {
					id := fmt.Sprintf("b%d", i)
					texts[id], ids = sentences(id, 3), append(ids, id)
				}
				src := articleServer(b, &newsroom{texts: texts})
				st := b.TempDir()
				var procs []*proc
				for i := range nodes {
					procs = append(procs, startProc(b, []string{
						"ECOUTER_STORE=" + st, "ECOUTER_SYNTH=polly", "ECOUTER_ARTICLES=http:" + src,
						"ECOUTER_API_KEY=" + testKey, "ECOUTER_NATS_URL=" + nats.URLs[i], "ECOUTER_NATS_REPLICAS=3",
						"ECOUTER_MAX_RENDERS=4",
					}))
				}
				body, _ := json.Marshal(map[string][]string{"ids": ids})
				req, _ := http.NewRequest(http.MethodPost, procs[0].base+"/v1/render", bytes.NewReader(body))
				req.Header.Set("Authorization", "Bearer "+testKey)
				req.Header.Set("Content-Type", "application/json")
				b.StartTimer()
				start := time.Now()
				res, err := http.DefaultClient.Do(req)
				if err != nil || res.StatusCode != http.StatusAccepted {
					b.Fatalf("batch: %v %v", res, err)
				}
				res.Body.Close()
				for !strings.Contains(jobsJSON(b, procs[0]), `"done":60,`) {
					time.Sleep(20 * time.Millisecond)
				}
				b.ReportMetric(time.Since(start).Seconds(), "batch-s")
				b.StopTimer()
				for _, p := range procs {
					p.stop()
				}
			}
		})
	}
}

func jobsJSON(b *testing.B, p *proc) string {
	req, _ := http.NewRequest(http.MethodGet, p.base+"/v1/jobs", nil)
	req.Header.Set("Authorization", "Bearer "+testKey)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		b.Fatal(err)
	}
	defer res.Body.Close()
	var buf bytes.Buffer
	buf.ReadFrom(res.Body)
	return buf.String()
}
