package demo

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/burnwatch/burnwatch/reports"
)

// The demo's budget features, added to the example specs as they are
// written: a correction over the backfilled checkout incident (a card
// gateway maintenance the team was told about), whose events then count
// toward no budget and whose span the charts shade, and an exhaustion
// alert on checkout latency, which the live incident fires. The checkout
// spec's own deploy gate denies deploys while the incident pages.

// exhaustionLine is added to checkout/requests-latency's alerting section.
const exhaustionLine = "      exhaustion: {within: 2d, window: 1h}\n"

// latencyAnchor is the line of checkout/requests-latency's alerting
// section the exhaustion alert follows.
const latencyAnchor = "      min_valid_events: 10\n"

// specPatches returns the demo's additions to the example specs, by path,
// for a start at t0.
func specPatches(s Script, t0 time.Time) map[string]func([]byte) ([]byte, error) {
	return map[string]func([]byte) ([]byte, error){"checkout.yaml": func(data []byte) ([]byte, error) {
		if bytes.Count(data, []byte(latencyAnchor)) != 1 {
			return nil, errors.New("checkout/requests-latency's alerting section is not where the demo adds its exhaustion alert")
		}
		data = bytes.Replace(data, []byte(latencyAnchor), []byte(latencyAnchor+exhaustionLine), 1)
		e, ok := s.correctedEpisode()
		if !ok {
			return data, nil
		}
		from, to := t0.Add(e.From-5*time.Minute).UTC(), t0.Add(e.To+5*time.Minute).UTC()
		return append(data, fmt.Appendf(nil, `
# Added by burnwatch demo: the backfilled checkout incident was the card
# gateway's announced maintenance; its events count toward no budget.
corrections:
  - reason: card gateway maintenance, announced by the provider
    from: %s
    to: %s
    match: {services: [checkout]}
`, from.Format(time.RFC3339), to.Format(time.RFC3339))...), nil
	}}
}

// correctedEpisode is the past checkout incident the demo corrects.
func (s Script) correctedEpisode() (Episode, bool) {
	for _, e := range s.Episodes {
		if e.Workload == checkout && e.From < 0 && e.Story != "" {
			return e, true
		}
	}
	return Episode{}, false
}

// weeklyReport sends each team's report of last week to the inbox once the
// first evaluation has run, whatever the day: a real daemon sends it in the
// first day of the week (reports.periods in the config).
func (d *Demo) weeklyReport(ctx context.Context) {
	tick := time.NewTicker(200 * time.Millisecond)
	defer tick.Stop()
	for {
		err := d.daemon.SendReports(ctx, reports.Week)
		if err == nil {
			return
		}
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
	}
}
