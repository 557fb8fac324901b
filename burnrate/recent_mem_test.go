package burnrate

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/prometheus/common/model"
)

// scrapes answers raw reads as if one counter series per name were
// scraped every interval since scrapeEpoch, its value the minutes since.
var scrapeEpoch = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)

type scrapes struct {
	names    []string
	interval time.Duration
}

func (s scrapes) Query(context.Context, string, time.Time) (model.Vector, error) {
	return nil, errors.New("scrapes answers raw reads only")
}

func (s scrapes) QueryRange(context.Context, string, Range) (model.Matrix, error) {
	return nil, errors.New("scrapes answers raw reads only")
}

func (s scrapes) RangeRules(context.Context) (RangeRules, error) {
	return RangeRules{IncludesStart: true}, nil
}

// QuerySamples includes both ends of the range, as IncludesStart says.
func (s scrapes) QuerySamples(_ context.Context, _ string, d time.Duration, at time.Time) (model.Matrix, error) {
	var m model.Matrix
	first := at.Add(-d).Add(s.interval - 1).Truncate(s.interval) // at or after at − d
	for _, name := range s.names {
		stream := &model.SampleStream{Metric: model.Metric{"name": model.LabelValue(name)}}
		for t := first; !t.After(at); t = t.Add(s.interval) {
			stream.Values = append(stream.Values, model.SamplePair{Timestamp: model.TimeFromUnixNano(t.UnixNano()), Value: model.SampleValue(t.Sub(scrapeEpoch).Minutes())})
		}
		m = append(m, stream)
	}
	return m, nil
}

// A read of the whole span and the cycles after it keep each series'
// samples in slices hardly larger than the samples of the span.
func TestRecentSamplesRoomStaysSmall(t *testing.T) {
	const span, cycle = time.Hour, 30 * time.Second // cycles of the default interval
	for _, interval := range []time.Duration{15 * time.Second, time.Minute} {
		t.Run("samples every "+interval.String(), func(t *testing.T) {
			q := &countingQuerier{q: scrapes{names: []string{"a", "b"}, interval: interval}}
			src := &source{selector: "counter", by: []string{"name"}}
			r := newRecentSamples(span, RangeRules{IncludesStart: true})
			at := scrapeEpoch.Add(48 * time.Hour)
			held := int(span/interval) + 1
			// The span's samples, a boundary sample read twice for each
			// chunk of the first read, and an eighth more.
			limit := held + held/8 + int(span/fullReadChunk) + 4
			for i := range 20 {
				if err := r.refresh(context.Background(), q, src, at.Add(time.Duration(i)*cycle), 2*time.Minute); err != nil {
					t.Fatal(err)
				}
				for _, s := range r.series {
					if len(s.offsets) < held-1 || len(s.offsets) > held {
						t.Fatalf("cycle %d, series %s: %d samples, want %d", i, s.key, len(s.offsets), held)
					}
					if cap(s.offsets) > limit || cap(s.values) > limit {
						t.Errorf("cycle %d, series %s: room for %d offsets and %d values to hold %d samples, want at most %d", i, s.key, cap(s.offsets), cap(s.values), len(s.offsets), limit)
					}
				}
			}
		})
	}
}
