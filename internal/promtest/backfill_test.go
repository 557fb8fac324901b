package promtest

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestCreateBlocks(t *testing.T) {
	promtool := lookPath(t, "promtool")
	now := time.Now().Truncate(time.Minute).Unix()
	ts := func(minutesAgo int64) string { return formatTimestamp(time.Unix(now-60*minutesAgo, 0)) }
	tests := []struct {
		name    string
		text    string
		wantErr string
	}{
		{
			name: "Series in time order become blocks.",
			text: "# TYPE x counter\nx_total 1 " + ts(3) + "\nx_total 2 " + ts(2) + "\n# EOF\n",
		},
		{
			name:    "Text without # EOF is refused before promtool runs.",
			text:    "# TYPE x counter\nx_total 1 " + ts(3) + "\n",
			wantErr: "backfill: OpenMetrics text must end with # EOF",
		},
		{
			name:    "A sample out of time order, which promtool drops silently, is an error.",
			text:    "# TYPE x counter\nx_total 2 " + ts(2) + "\nx_total 1 " + ts(3) + "\n# EOF\n",
			wantErr: "backfill: promtool stored 1 of 2 samples; it drops samples out of time order within a series, and duplicates",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			work := t.TempDir()
			data := filepath.Join(work, "data")
			err := createBlocks(context.Background(), promtool, work, data, tt.text)
			if tt.wantErr != "" {
				if err == nil || err.Error() != tt.wantErr {
					t.Errorf("error: got %v, want %s", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("createBlocks: %v", err)
			}
			entries, err := os.ReadDir(data)
			if err != nil {
				t.Fatal(err)
			}
			var blocks []string
			for _, e := range entries {
				if e.IsDir() {
					blocks = append(blocks, e.Name())
				}
			}
			if len(blocks) != 1 {
				t.Errorf("blocks in %s: got %s, want one", data, strings.Join(blocks, ", "))
			}
		})
	}
}
