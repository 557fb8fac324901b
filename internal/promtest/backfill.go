package promtest

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
)

// maxBlockDuration is passed to promtool as --max-block-duration (a flag
// hidden from its help in 2.42). promtool reads the whole input once per
// block, so the default 2h blocks make a month of history very slow: for
// 432,000 samples it takes 13.5s with 24h blocks and 1.6s with 744h (31
// days, the largest block Prometheus itself makes).
const maxBlockDuration = "744h"

// createBlocks turns OpenMetrics text into TSDB blocks in dataDir with
// `promtool tsdb create-blocks-from openmetrics`, writing the text to a
// file in work first. Prometheus only loads blocks when it starts, so this
// must run before it does.
//
// promtool 2.42 reads timestamps in seconds, needs the text to end with
// "# EOF", and silently drops a sample that is older than the one before it
// in the same series. createBlocks therefore counts the samples promtool
// reports and fails when some went missing.
func createBlocks(ctx context.Context, promtool, work, dataDir, openMetrics string) error {
	if !strings.HasSuffix(strings.TrimSpace(openMetrics), "# EOF") {
		return fmt.Errorf("backfill: OpenMetrics text must end with # EOF")
	}
	input := filepath.Join(work, "backfill.om")
	if err := os.WriteFile(input, []byte(openMetrics), 0o644); err != nil {
		return fmt.Errorf("backfill: %w", err)
	}
	cmd := exec.CommandContext(ctx, promtool, "tsdb", "create-blocks-from", "openmetrics",
		"--max-block-duration="+maxBlockDuration, input, dataDir)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("backfill: %s: %w\n%s%s", strings.Join(cmd.Args, " "), err, stdout.String(), stderr.String())
	}
	stored, err := storedSamples(stdout.String())
	if err != nil {
		return fmt.Errorf("backfill: read promtool's block list: %w\n%s", err, stdout.String())
	}
	if want := countSamples(openMetrics); stored != want {
		return fmt.Errorf("backfill: promtool stored %d of %d samples; it drops samples out of time order within a series, and duplicates", stored, want)
	}
	return nil
}

// storedSamples adds up the NUM SAMPLES column of the block table promtool
// prints: BLOCK ULID, MIN TIME, MAX TIME, DURATION, NUM SAMPLES, ...
func storedSamples(table string) (int, error) {
	total := 0
	sc := bufio.NewScanner(strings.NewReader(table))
	for sc.Scan() {
		fields := strings.Fields(sc.Text())
		if len(fields) < 5 || fields[0] == "BLOCK" {
			continue
		}
		n, err := strconv.Atoi(fields[4])
		if err != nil {
			return 0, fmt.Errorf("line %q: %w", sc.Text(), err)
		}
		total += n
	}
	return total, sc.Err()
}

// countSamples counts the sample lines of OpenMetrics text: those that are
// neither empty nor a # comment.
func countSamples(openMetrics string) int {
	n := 0
	for line := range strings.Lines(openMetrics) {
		line = strings.TrimSpace(line)
		if line != "" && !strings.HasPrefix(line, "#") {
			n++
		}
	}
	return n
}
