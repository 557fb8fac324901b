package demo

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/prometheus/prometheus/tsdb"

	"github.com/burnwatch/burnwatch/prom"
)

// writeHistoryBlock writes the history up to until as one TSDB block in
// dir, the way promtool backfills, before the engine opens dir. Kept in
// the engine's head instead, 30 days of samples make every query walk a
// month of head chunks: about 25 ms for a one-hour window, several times
// the cost of reading them from a block.
func writeHistoryBlock(ctx context.Context, wr *writer, dir string, until time.Time, logger *slog.Logger) error {
	bw, err := tsdb.NewBlockWriter(logger, dir, (historyLength + day).Milliseconds())
	if err != nil {
		return fmt.Errorf("history block: %w", err)
	}
	wr.into(bw)
	err = wr.backfill(ctx, until)
	if err == nil {
		_, err = bw.Flush(ctx)
	}
	if cerr := bw.Close(); cerr != nil {
		err = errors.Join(err, cerr)
	}
	if err != nil {
		return fmt.Errorf("history block: %w", err)
	}
	return nil
}

// openEngine writes the history into dir (all but its last six hours as a
// block), opens the embedded engine on dir and writes the last six hours,
// with their exemplars, through the engine.
func openEngine(ctx context.Context, wr *writer, dir string, logger *slog.Logger) (*prom.Embedded, error) {
	if err := writeHistoryBlock(ctx, wr, dir, wr.t0.Add(-exemplarHistory), logger); err != nil {
		return nil, err
	}
	engine, err := prom.NewEmbedded(prom.EmbeddedOptions{Dir: dir, Logger: logger})
	if err != nil {
		return nil, err
	}
	wr.into(engine)
	if err := wr.backfill(ctx, wr.t0); err != nil {
		return nil, errors.Join(fmt.Errorf("history: %w", err), engine.Close())
	}
	return engine, nil
}
