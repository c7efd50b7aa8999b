package cluster

import (
	"context"
	"fmt"
	"sync/atomic"
	"testing"
	"time"

	"ecouter/cluster/natstest"
	"ecouter/jobs"
	"ecouter/jobs/jobstest"
)

// queueCfg retries as the contract asks, and hands a dead node's job on
// within seconds.
var queueCfg = QueueConfig{Attempts: jobstest.Attempts, Backoff: jobstest.Backoff, AckWait: 3 * time.Second}

func newQueue(t *testing.T, n *Node) *Queue {
	t.Helper()
	q, err := NewQueue(context.Background(), n, queueCfg, quiet)
	if err != nil {
		t.Fatal(err)
	}
	return q
}

// queueContract runs the contract of every queue (jobstest), then what
// only a queue shared by several nodes does.
func queueContract(t *testing.T, nodes func(t *testing.T, n int) []*Node) {
	jobstest.QueueContract(t, func(t *testing.T) jobstest.Queue { return newQueue(t, nodes(t, 1)[0]) })
	t.Run("SpreadOverNodes", func(t *testing.T) {
		ns := nodes(t, 3)
		var r jobstest.Recorder
		var byNode [3]atomic.Int32
		for i, n := range ns {
			q := newQueue(t, n)
			jobstest.Run(t, q, jobstest.Always, func(ctx context.Context, j jobs.Job) error {
				byNode[i].Add(1)
				time.Sleep(10 * time.Millisecond) // a render takes time: others get their share
				return r.Handle(ctx, j)
			})
		}
		q := newQueue(t, ns[0])
		for i := range 30 {
			if err := q.Enqueue(context.Background(), jobs.Job{ID: fmt.Sprintf("a%d", i), Key: "k"}); err != nil {
				t.Fatal(err)
			}
		}
		jobstest.Eventually(t, q, "30 done", func(st jobs.Stats) bool { return st.Done == 30 })
		for i := range 30 {
			if n := r.Count(fmt.Sprintf("a%d", i)); n != 1 {
				t.Fatalf("a%d rendered %d times", i, n)
			}
		}
		busy := 0
		for i := range byNode {
			if byNode[i].Load() > 0 {
				busy++
			}
		}
		if busy < 2 {
			t.Errorf("30 jobs all went to one of three nodes")
		}
	})
	t.Run("NodeDiesMidJob", func(t *testing.T) {
		ns := nodes(t, 2)
		dying, other := newQueue(t, ns[0]), newQueue(t, ns[1])
		held := make(chan struct{})
		stuck := make(chan struct{})
		defer close(stuck)
		jobstest.Run(t, dying, jobstest.Always, func(context.Context, jobs.Job) error {
			close(held)
			<-stuck
			return nil
		})
		if err := other.Enqueue(context.Background(), jobs.Job{ID: "a1"}); err != nil {
			t.Fatal(err)
		}
		<-held
		ns[0].nc.Close()
		var r jobstest.Recorder
		jobstest.Run(t, other, jobstest.Always, r.Handle)
		jobstest.Eventually(t, other, "done by the other node", func(st jobs.Stats) bool { return st.Done == 1 })
		if r.Count("a1") != 1 {
			t.Fatal("the other node did not render the dead node's job")
		}
	})
}

func TestQueueEmbedded(t *testing.T) {
	queueContract(t, func(t *testing.T, n int) []*Node {
		// One embedded server: every "node" is a connection to it.
		first := embeddedNode(t)
		nodes := []*Node{first}
		for range n - 1 {
			nodes = append(nodes, inProcess(t, first))
		}
		return nodes
	})
	t.Run("SurvivesRestart", func(t *testing.T) {
		dir := t.TempDir()
		ctx := context.Background()
		n, err := Start(ctx, Config{Dir: dir}, quiet)
		if err != nil {
			t.Fatal(err)
		}
		if err := newQueue(t, n).Enqueue(ctx, jobs.Job{ID: "a1", Key: "k"}); err != nil {
			t.Fatal(err)
		}
		n.Close()
		n, err = Start(ctx, Config{Dir: dir}, quiet)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(n.Close)
		q := newQueue(t, n)
		jobstest.Eventually(t, q, "queued after the restart", func(st jobs.Stats) bool { return st.Queued == 1 })
		var r jobstest.Recorder
		jobstest.Run(t, q, jobstest.Always, r.Handle)
		jobstest.Eventually(t, q, "done", func(st jobs.Stats) bool { return st.Done == 1 })
	})
}

func TestQueueCluster(t *testing.T) {
	c := natstest.Start(t, 3)
	queueContract(t, func(t *testing.T, n int) []*Node { return clusterNodes(t, c, n) })
}
