package pgstore_test

import (
	"context"
	"database/sql"
	"fmt"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/burnwatch/burnwatch/alerting/pgstore"
	"github.com/burnwatch/burnwatch/internal/logtest"
	"github.com/burnwatch/burnwatch/internal/pgtest"
)

// leaseLease is the lease of the replicas whose logs are checked: polls
// every third of it.
const leaseLease = 1500 * time.Millisecond

// leading runs s.Lead until the test ends and returns its changes.
func leading(t *testing.T, s *pgstore.Store) chan bool {
	changes := make(chan bool, 8)
	ctx, stop := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); s.Lead(ctx, func(l bool) { changes <- l }) }()
	t.Cleanup(func() { stop(); <-done })
	return changes
}

func execSQL(t *testing.T, dsn, query string) {
	t.Helper()
	db, err := sql.Open("pgx", dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.ExecContext(context.Background(), query); err != nil {
		t.Fatalf("%s: %v", query, err)
	}
}

// waitForRecord waits until rec holds a record at level.
func waitForRecord(t *testing.T, rec *logtest.Recorder, level slog.Level, within time.Duration) {
	t.Helper()
	deadline := time.Now().Add(within)
	for len(rec.At(level)) == 0 {
		if time.Now().After(deadline) {
			t.Fatalf("nothing logged at %s within %s", level, within)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func TestLeasePollsLogAtTheLevelOfWhatHappened(t *testing.T) {
	pg := pgtest.Start(t)
	cases := []struct {
		name string
		// run drives the replica "a", whose log rec holds, on the
		// database dsn.
		run func(t *testing.T, dsn string, rec *logtest.Recorder)
		// want lists, per level, what the messages at it must say; a
		// level not listed must have no record.
		want map[slog.Level][]string
	}{
		{
			name: "a replica that is not the leader logs nothing",
			run: func(t *testing.T, dsn string, rec *logtest.Recorder) {
				other := openLogged(t, dsn, "replica-b", &logtest.Recorder{})
				receive(t, leading(t, other), 2*time.Second)
				a := openLogged(t, dsn, "replica-a", rec)
				leading(t, a)
				time.Sleep(2 * leaseLease) // six polls
			},
			want: map[slog.Level][]string{},
		},
		{
			name: "one failed poll that is retried is a warning",
			run: func(t *testing.T, dsn string, rec *logtest.Recorder) {
				a := openLogged(t, dsn, "replica-a", rec)
				changes := leading(t, a)
				receive(t, changes, 2*time.Second)
				execSQL(t, dsn, "ALTER TABLE lease RENAME TO lease_away")
				waitForRecord(t, rec, slog.LevelWarn, 2*time.Second)
				execSQL(t, dsn, "ALTER TABLE lease_away RENAME TO lease")
				time.Sleep(leaseLease) // three polls that succeed
				select {
				case l := <-changes:
					t.Errorf("leading changed to %v on one failed poll", l)
				default:
				}
			},
			want: map[slog.Level][]string{
				slog.LevelInfo: {"migrated", "acquired the lease", "polls work again"},
				slog.LevelWarn: {"lease"},
			},
		},
		{
			name: "polls failing past the lease are an error, the first ones warnings",
			run: func(t *testing.T, dsn string, rec *logtest.Recorder) {
				a := openLogged(t, dsn, "replica-a", rec)
				changes := leading(t, a)
				receive(t, changes, 2*time.Second)
				execSQL(t, dsn, "ALTER TABLE lease RENAME TO lease_away")
				if receive(t, changes, 3*leaseLease) {
					t.Error("still leading after failing past the lease")
				}
				waitForRecord(t, rec, slog.LevelError, leaseLease)
				execSQL(t, dsn, "ALTER TABLE lease_away RENAME TO lease")
				if !receive(t, changes, 3*leaseLease) {
					t.Error("not leading again once the polls work")
				}
			},
			want: map[slog.Level][]string{
				slog.LevelInfo:  {"migrated", "acquired the lease", "polls work again", "acquired the lease"},
				slog.LevelWarn:  {"lease"},
				slog.LevelError: {"lease"},
			},
		},
		{
			name: "a leader another replica took over from logs the change at info",
			run: func(t *testing.T, dsn string, rec *logtest.Recorder) {
				a := openLogged(t, dsn, "replica-a", rec)
				changes := leading(t, a)
				receive(t, changes, 2*time.Second)
				execSQL(t, dsn, "UPDATE lease SET holder = 'replica-b', epoch = epoch + 1, expires_at = now() + interval '1 hour'")
				if receive(t, changes, 2*leaseLease) {
					t.Error("still leading after another replica took over")
				}
			},
			want: map[slog.Level][]string{
				slog.LevelInfo: {"migrated", "acquired the lease", "no longer leading"},
			},
		},
	}
	for _, tt := range cases {
		t.Run(tt.name, func(t *testing.T) {
			rec := &logtest.Recorder{}
			tt.run(t, pg.NewDatabase(t), rec)
			for _, level := range []slog.Level{slog.LevelInfo, slog.LevelWarn, slog.LevelError} {
				got, want := rec.At(level), tt.want[level]
				if !matches(got, want) {
					t.Errorf("at %s logged %q, want %s", level, got, describe(want))
				}
			}
		})
	}
}

// matches reports whether the messages say, in order, what want lists,
// its last entry perhaps more than once (a failure may span several
// polls).
func matches(got, want []string) bool {
	if len(want) == 0 || len(got) == 0 {
		return len(got) == len(want)
	}
	for i, m := range got {
		w := want[min(i, len(want)-1)]
		if !strings.Contains(m, w) {
			return false
		}
	}
	return len(got) >= len(want)
}

func describe(want []string) string {
	if len(want) == 0 {
		return "nothing"
	}
	return fmt.Sprintf("messages saying %q in order", want)
}

func openLogged(t *testing.T, dsn, holder string, rec *logtest.Recorder) *pgstore.Store {
	t.Helper()
	s, err := pgstore.Open(context.Background(), pgstore.Options{DSN: dsn, Holder: holder, Lease: leaseLease,
		Timeout: time.Second, Logger: slog.New(rec)})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}
