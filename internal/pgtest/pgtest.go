// Package pgtest starts a real PostgreSQL server for a test: a fresh
// cluster made with initdb in a temporary directory, listening on a free
// port of 127.0.0.1, run by an unprivileged user (PostgreSQL refuses to run
// as root), and stopped when the test ends.
package pgtest

import (
	"bytes"
	"context"
	"database/sql"
	"fmt"
	"net"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strconv"
	"sync/atomic"
	"testing"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // the "pgx" database/sql driver
)

// RequireEnv, set to 1, turns a missing PostgreSQL into a failure instead of
// a skip (CI sets it).
const RequireEnv = "BURNWATCH_REQUIRE_POSTGRES"

// Server is a running PostgreSQL cluster.
type Server struct {
	// Port is where it listens on 127.0.0.1.
	Port int
	dir  string
	bin  string
	as   []string // the command prefix that runs as the unprivileged user
	dbs  atomic.Int64
}

// Start starts a server for t and stops it when t ends. It skips t when
// the PostgreSQL binaries are missing, unless BURNWATCH_REQUIRE_POSTGRES=1.
func Start(t testing.TB) *Server {
	t.Helper()
	s := Prepare(t)
	s.Run(t)
	return s
}

// Prepare makes a cluster for t and picks its port, without starting it:
// a test sees what happens while nothing listens there, then calls Run. It
// skips t when the PostgreSQL binaries are missing, unless
// BURNWATCH_REQUIRE_POSTGRES=1.
func Prepare(t testing.TB) *Server {
	t.Helper()
	bin, err := binDir()
	if err != nil {
		if os.Getenv(RequireEnv) == "1" {
			t.Fatalf("pgtest: %v and %s=1", err, RequireEnv)
		}
		t.Skipf("pgtest: %v; install the Debian package postgresql (scripts/install-test-deps.sh) to run this test", err)
	}
	s := &Server{bin: bin}
	dir, err := os.MkdirTemp("", "burnwatch-pg-")
	if err != nil {
		t.Fatalf("pgtest: %v", err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	s.dir = dir
	if os.Geteuid() == 0 {
		u, err := user.Lookup("nobody")
		if err != nil {
			t.Fatalf("pgtest: running as root and no unprivileged user to run PostgreSQL as: %v", err)
		}
		uid, _ := strconv.Atoi(u.Uid)
		gid, _ := strconv.Atoi(u.Gid)
		if err := os.Chown(dir, uid, gid); err != nil {
			t.Fatalf("pgtest: give %s to nobody: %v", dir, err)
		}
		s.as = []string{"runuser", "-u", "nobody", "--"}
	}
	if s.Port, err = freePort(); err != nil {
		t.Fatalf("pgtest: %v", err)
	}
	if out, err := s.run("initdb", "-D", s.data(), "-U", "postgres", "-A", "trust", "-E", "UTF8", "--no-sync"); err != nil {
		t.Fatalf("pgtest: initdb: %v\n%s", err, out)
	}
	return s
}

// Run starts a prepared cluster on its port and stops it when t ends.
func (s *Server) Run(t testing.TB) {
	t.Helper()
	data := s.data()
	opts := fmt.Sprintf("-F -c listen_addresses=127.0.0.1 -p %d -k %s -c max_connections=50", s.Port, s.dir)
	if out, err := s.run("pg_ctl", "-D", data, "-l", filepath.Join(s.dir, "log"), "-o", opts, "-w", "-t", "60", "start"); err != nil {
		log, _ := os.ReadFile(filepath.Join(s.dir, "log"))
		t.Fatalf("pgtest: pg_ctl start: %v\n%s\n%s", err, out, log)
	}
	t.Cleanup(func() {
		if out, err := s.run("pg_ctl", "-D", data, "-m", "immediate", "-w", "stop"); err != nil {
			t.Errorf("pgtest: pg_ctl stop: %v\n%s", err, out)
		}
	})
}

func (s *Server) data() string { return filepath.Join(s.dir, "data") }

// DSN is the address of a database of the server.
func (s *Server) DSN(db string) string {
	return fmt.Sprintf("postgres://postgres@127.0.0.1:%d/%s?sslmode=disable", s.Port, db)
}

// NewDatabase creates an empty database and returns its DSN.
func (s *Server) NewDatabase(t testing.TB) string {
	t.Helper()
	name := fmt.Sprintf("test_%d", s.dbs.Add(1))
	db, err := sql.Open("pgx", s.DSN("postgres"))
	if err != nil {
		t.Fatalf("pgtest: %v", err)
	}
	defer db.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if _, err := db.ExecContext(ctx, "CREATE DATABASE "+name); err != nil {
		t.Fatalf("pgtest: create database %s: %v", name, err)
	}
	return s.DSN(name)
}

func (s *Server) run(name string, args ...string) ([]byte, error) {
	argv := append(append(append([]string(nil), s.as...), filepath.Join(s.bin, name)), args...)
	cmd := exec.Command(argv[0], argv[1:]...)
	cmd.Dir = s.dir
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	err := cmd.Run()
	return out.Bytes(), err
}

// binDir finds initdb: on PATH, or where Debian puts it.
func binDir() (string, error) {
	if p, err := exec.LookPath("initdb"); err == nil {
		if real, err := filepath.EvalSymlinks(p); err == nil {
			p = real
		}
		return filepath.Dir(p), nil
	}
	matches, _ := filepath.Glob("/usr/lib/postgresql/*/bin/initdb")
	if len(matches) > 0 {
		return filepath.Dir(matches[len(matches)-1]), nil
	}
	return "", fmt.Errorf("initdb is not on PATH nor in /usr/lib/postgresql/*/bin")
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, fmt.Errorf("find a free port: %w", err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}
