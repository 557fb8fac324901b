package cli

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"
)

func TestDemoRejectsBadUsage(t *testing.T) {
	for _, tc := range []struct {
		name string
		args []string
		want int
	}{
		{"help is not an error", []string{"-h"}, exitOK},
		{"an unknown flag", []string{"--port", "8080"}, exitUsage},
		{"a bad log level", []string{"--log-level", "loud"}, exitUsage},
		{"extra arguments", []string{"specs/"}, exitUsage},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			if got := Main(context.Background(), append([]string{"demo"}, tc.args...), &stdout, &stderr); got != tc.want {
				t.Errorf("exit %d, want %d; stderr:\n%s", got, tc.want, stderr.String())
			}
		})
	}
}

// syncBuffer is a bytes.Buffer safe for one writer and one reader.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

var (
	dashboardLine = regexp.MustCompile(`dashboard\s+(http://\S+)/\n`)
	tempDirLine   = regexp.MustCompile(`removes its files \((\S+)\)`)
)

// TestDemoServesInRealTimeAndCleansUpOnCtrlC starts burnwatch demo on a
// free port, opens the dashboard and the inbox it prints, then stops it as
// Ctrl-C would and checks that it exits cleanly and leaves nothing behind.
func TestDemoServesInRealTimeAndCleansUpOnCtrlC(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var stdout, stderr syncBuffer
	exit := make(chan int, 1)
	go func() {
		exit <- Main(ctx, []string{"demo", "--listen", "127.0.0.1:0", "--log-level", "warn"}, &stdout, &stderr)
	}()

	var url string
	for deadline := time.Now().Add(60 * time.Second); url == ""; time.Sleep(50 * time.Millisecond) {
		if m := dashboardLine.FindStringSubmatch(stdout.String()); m != nil {
			url = m[1]
		}
		select {
		case code := <-exit:
			t.Fatalf("the demo exited with %d before it started:\n%s\n%s", code, stdout.String(), stderr.String())
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("no dashboard URL within a minute:\n%s", stdout.String())
		}
	}
	m := tempDirLine.FindStringSubmatch(stdout.String())
	if m == nil {
		t.Fatalf("the demo does not say which directory it removes:\n%s", stdout.String())
	}
	dir := m[1]
	for _, path := range []string{"/", "/demo/inbox", "/healthz"} {
		body := getOK(t, url+path)
		if path == "/demo/inbox" && !strings.Contains(body, "checkout/requests-latency") {
			t.Errorf("the inbox page does not show the script:\n%s", body)
		}
	}

	cancel()
	select {
	case code := <-exit:
		if code != exitOK {
			t.Errorf("exit %d after Ctrl-C, want %d; stderr:\n%s", code, exitOK, stderr.String())
		}
	case <-time.After(30 * time.Second):
		t.Fatal("the demo did not stop within 30 s of Ctrl-C")
	}
	if _, err := os.Stat(dir); !os.IsNotExist(err) {
		t.Errorf("the demo left %s behind (%v)", dir, err)
	}
}

func getOK(t *testing.T, url string) string {
	t.Helper()
	var last error
	for range 50 {
		resp, err := http.Get(url)
		if err != nil {
			last = err
		} else {
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return string(body)
			}
			last = fmt.Errorf("status %d", resp.StatusCode)
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Fatalf("GET %s: %v", url, last)
	return ""
}
