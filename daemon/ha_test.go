package daemon_test

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/burnwatch/burnwatch/daemon"
	"github.com/burnwatch/burnwatch/internal/pgtest"
	"github.com/burnwatch/burnwatch/internal/promtest"
)

// Two replicas share one PostgreSQL: the leader is killed (SIGKILL) or
// frozen (SIGSTOP) past its lease while a page is on the wire; the other
// takes over and delivers it, and the frozen one, resumed, sends nothing.

// haLease is the lease of the replicas under test.
const haLease = 4 * time.Second

// replicaSink is a webhook receiver that knows which replica sent each
// request (each replica posts to its own path) and holds the requests of
// the replicas it is told to hang, unanswered, until released.
type replicaSink struct {
	mu       sync.Mutex
	hang     map[string]bool
	received []sinkRequest
	release  chan struct{}
	once     sync.Once
}

// answerHung lets the hung requests end (with an empty 200).
func (s *replicaSink) answerHung() { s.once.Do(func() { close(s.release) }) }

type sinkRequest struct {
	replica, id string
	at          time.Time
	answered    bool
}

func (s *replicaSink) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	var body struct {
		Notification struct {
			ID string `json:"id"`
		} `json:"notification"`
	}
	data, _ := io.ReadAll(r.Body)
	if err := json.Unmarshal(data, &body); err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	replica := strings.Trim(r.URL.Path, "/")
	s.mu.Lock()
	i := len(s.received)
	s.received = append(s.received, sinkRequest{replica: replica, id: body.Notification.ID, at: time.Now()})
	hang := s.hang[replica]
	s.mu.Unlock()
	if hang {
		select {
		case <-s.release:
		case <-r.Context().Done():
		}
		return // given up on, or released: the test counts no answer
	}
	s.mu.Lock()
	s.received[i].answered = true
	s.mu.Unlock()
	w.WriteHeader(http.StatusNoContent)
}

func (s *replicaSink) requests() []sinkRequest {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]sinkRequest(nil), s.received...)
}

// haReplica is one burnwatch process of the pair.
type haReplica struct {
	name string
	addr string
	cmd  *exec.Cmd
}

func (r *haReplica) status(t *testing.T) (daemon.Status, bool) {
	resp, err := http.Get("http://" + r.addr + "/api/v1/status")
	if err != nil {
		return daemon.Status{}, false
	}
	defer resp.Body.Close()
	var st daemon.Status
	if resp.StatusCode != http.StatusOK || json.NewDecoder(resp.Body).Decode(&st) != nil {
		return daemon.Status{}, false
	}
	return st, true
}

func (r *haReplica) leads(t *testing.T) bool {
	st, ok := r.status(t)
	return ok && st.Leader
}

type haCluster struct {
	t    *testing.T
	bin  string
	dir  string
	dsn  string
	hook string
	prom string
}

func (c *haCluster) start(name string) *haReplica {
	c.t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		c.t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	cfg := filepath.Join(c.dir, name+".yaml")
	write(c.t, cfg, fmt.Sprintf(`prometheus: {url: %s}
specs: [checkout.yaml]
evaluation_interval: 1s
listen_address: %s
data_dir: data-%s
store:
  postgres: {dsn: {env: BURNWATCH_HA_DSN}, lease: %s}
receivers:
  - name: hook
    webhook: {url: {env: BURNWATCH_HA_HOOK}}
default_receivers: [hook]
`, c.prom, addr, name, haLease))
	cmd := exec.Command(c.bin, "run", "--config", cfg, "--log-level", "warn")
	cmd.Env = append(os.Environ(), "BURNWATCH_HA_DSN="+c.dsn, "BURNWATCH_HA_HOOK="+c.hook+"/"+name)
	cmd.Stderr = &testWriter{c.t}
	if err := cmd.Start(); err != nil {
		c.t.Fatal(err)
	}
	r := &haReplica{name: name, addr: addr, cmd: cmd}
	c.t.Cleanup(func() {
		cmd.Process.Signal(syscall.SIGCONT)
		cmd.Process.Signal(syscall.SIGTERM)
		cmd.Wait()
	})
	return r
}

// undelivered counts the outbox entries left and the delivery records not
// sent, read from the database.
func undelivered(t *testing.T, dsn string) (queued, unsent int) {
	t.Helper()
	db, err := sql.Open("pgx", dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	ctx := context.Background()
	if err := db.QueryRowContext(ctx, `SELECT count(*) FROM outbox`).Scan(&queued); err != nil {
		t.Fatal(err)
	}
	if err := db.QueryRowContext(ctx, `SELECT count(*) FROM deliveries WHERE data->>'state' <> 'sent'`).Scan(&unsent); err != nil {
		t.Fatal(err)
	}
	return queued, unsent
}

func TestTwoReplicasOnPostgreSQLSurviveTheLeadersDeathAndFreeze(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the binary twice")
	}
	pg := pgtest.Start(t)
	end := time.Now().Add(-30 * time.Second)
	prom := promtest.Start(t, promtest.Options{Backfill: burningHistory(t, end)})
	bin := buildBinary(t)

	for _, tt := range []struct {
		name string
		// fail stops the leader; resume, when set, brings it back.
		fail   func(p *os.Process) error
		resume func(p *os.Process) error
	}{
		{"killed", func(p *os.Process) error { return p.Signal(syscall.SIGKILL) }, nil},
		{"frozen past its lease", func(p *os.Process) error { return p.Signal(syscall.SIGSTOP) },
			func(p *os.Process) error { return p.Signal(syscall.SIGCONT) }},
	} {
		t.Run(tt.name, func(t *testing.T) {
			sink := &replicaSink{hang: map[string]bool{"a": true}, release: make(chan struct{})}
			srv := httptest.NewServer(sink)
			defer srv.Close()
			defer sink.answerHung()
			dir := t.TempDir()
			write(t, filepath.Join(dir, "checkout.yaml"), e2eSpec)
			c := &haCluster{t: t, bin: bin, dir: dir, dsn: pg.NewDatabase(t), hook: srv.URL, prom: prom.URL}

			a := c.start("a")
			waitUntil(t, 30*time.Second, func() bool { return a.leads(t) })
			b := c.start("b")
			waitUntil(t, 30*time.Second, func() bool { _, ok := b.status(t); return ok })
			if b.leads(t) {
				t.Fatal("b leads while a holds the lease")
			}
			// a's page is on the wire, unanswered, when it fails.
			waitUntil(t, 60*time.Second, func() bool { return len(sink.requests()) > 0 })
			inFlight := sink.requests()[0]
			if inFlight.replica != "a" {
				t.Fatalf("the first page came from %s, want the leader a", inFlight.replica)
			}
			failed := time.Now()
			if err := tt.fail(a.cmd.Process); err != nil {
				t.Fatal(err)
			}
			waitUntil(t, 4*haLease, func() bool {
				for _, r := range sink.requests() {
					if r.replica == "b" && r.answered {
						return true
					}
				}
				return false
			})
			var delivered time.Time
			for _, r := range sink.requests() {
				if r.replica == "b" && r.answered {
					delivered = r.at
					break
				}
			}
			failover := delivered.Sub(failed)
			t.Logf("failover: b delivered %s after a was %s (lease %s)", failover.Round(10*time.Millisecond), tt.name, haLease)
			if failover > 2*haLease {
				t.Errorf("b delivered %s after a failed, want within 2 × lease = %s", failover, 2*haLease)
			}
			if !b.leads(t) {
				t.Error("b does not say it leads")
			}

			resumed := time.Now()
			if tt.resume != nil {
				if err := tt.resume(a.cmd.Process); err != nil {
					t.Fatal(err)
				}
				// Its page in flight comes back answered: its outcome is
				// fenced off like every other write.
				sink.answerHung()
				waitUntil(t, 2*haLease, func() bool { st, ok := a.status(t); return ok && !st.Leader })
				if st, _ := a.status(t); st.LeaseHolder == st.Replica {
					t.Errorf("a's status says it holds the lease after resuming: %+v", st)
				}
			}
			time.Sleep(2 * haLease) // room for the old leader to send something, or for a duplicate
			requests := sink.requests()
			for _, r := range requests {
				if r.replica == "a" && r.at.After(resumed) {
					t.Errorf("the old leader sent %s after it was resumed", r.id)
				}
			}
			byID := map[string]int{}
			answered := map[string]int{}
			for _, r := range requests {
				byID[r.id]++
				if r.answered {
					answered[r.id]++
				}
			}
			duplicates := 0
			for id, n := range byID {
				if n > 1 {
					duplicates += n - 1
					if id != inFlight.id {
						t.Errorf("notification %s was sent %d times; only the one in flight (%s) may be sent twice", id, n, inFlight.id)
					}
				}
				if answered[id] != 1 {
					t.Errorf("notification %s was answered %d times, want once", id, answered[id])
				}
			}
			queued, unsent := undelivered(t, c.dsn)
			t.Logf("after the leader was %s: %d notifications, %d requests, %d sent twice (the one in flight), %d left queued, %d not sent",
				tt.name, len(byID), len(requests), duplicates, queued, unsent)
			if queued != 0 || unsent != 0 {
				t.Errorf("%d notifications left in the outbox and %d delivery records not sent: notifications lost", queued, unsent)
			}
		})
	}
}
