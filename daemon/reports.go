package daemon

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/burnwatch/burnwatch/alerting"
	"github.com/burnwatch/burnwatch/reports"
	"github.com/burnwatch/burnwatch/slo"
	"github.com/burnwatch/burnwatch/web"
)

// ReportsConfig says which team reports are sent.
type ReportsConfig struct {
	// Periods are the reports sent to each team's route: week, month or
	// both. None by default: the dashboard renders them all the same.
	Periods []string `yaml:"periods"`
}

// reportsSent remembers the reports this process has queued (or found
// queued), so that each is built once; the store keeps them across
// restarts.
type reportsSent struct {
	mu   sync.Mutex
	done map[string]bool
}

func (r *reportsSent) has(key string) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.done[key]
}

func (r *reportsSent) add(key string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.done == nil {
		r.done = map[string]bool{}
	}
	r.done[key] = true
}

// sendReports queues each team's report of the last complete week or month
// in the first day after it ended, once, on the leader; the cycle's
// snapshot is what it reports from.
func (d *Daemon) sendReports(ctx context.Context, snap *web.Snapshot) {
	d.mu.Lock()
	periods := d.cfg.Reports.Periods
	d.mu.Unlock()
	for _, period := range periods {
		_, to, err := reports.LastComplete(period, snap.At)
		if err != nil || snap.At.Sub(to) >= reports.SendWithin {
			continue
		}
		d.queueReports(ctx, snap, period)
	}
}

// SendReports queues each team's report of the last complete period
// (reports.Week or reports.Month) now, from the latest evaluation, however
// long ago the period ended and whatever reports.periods says; a period's
// report is still queued once. The demo sends its weekly report with it.
func (d *Daemon) SendReports(ctx context.Context, period string) error {
	snap := d.snapshot.Load()
	if snap == nil {
		return errors.New("send reports: no evaluation yet")
	}
	if _, _, err := reports.LastComplete(period, snap.At); err != nil {
		return fmt.Errorf("send reports: %w", err)
	}
	d.queueReports(ctx, snap, period)
	return nil
}

// queueReports builds and queues each team's report of the last complete
// period, on the leader, skipping those this process queued already.
func (d *Daemon) queueReports(ctx context.Context, snap *web.Snapshot, period string) {
	d.mu.Lock()
	external, q, slos, manager := d.cfg.ExternalURL, d.querier, d.slos, d.manager
	d.mu.Unlock()
	if !d.leading.Load() || manager == nil {
		return
	}
	from, _, err := reports.LastComplete(period, snap.At)
	if err != nil {
		return
	}
	for _, team := range teams(slos) {
		key := alerting.ReportKey(team, period, from)
		if d.reportsSent.has(key) {
			continue
		}
		incidents, err := manager.Incidents(from, 1000)
		if err != nil {
			d.log.Error("read incidents for a report; trying again next cycle", "team", team, "period", period, "err", err)
			continue
		}
		dg, ok, err := reports.Build(ctx, reports.Input{Team: team, Period: period, At: snap.At, Statuses: snap.Statuses,
			Incidents: incidents, Querier: q, URL: strings.TrimSuffix(external, "/") + web.ReportPath(team, period)})
		if err != nil {
			d.log.Error("build a report; trying again next cycle", "team", team, "period", period, "err", d.redactor.Redact(err.Error()))
			continue
		}
		if !ok {
			continue
		}
		queued, err := manager.QueueReport(dg, snap.At)
		if err != nil {
			d.log.Error("queue a report; trying again next cycle", "team", team, "period", period, "err", err)
			continue
		}
		if queued {
			d.log.Info("report queued", "team", team, "period", period, "from", from.Format(time.DateOnly))
		}
		d.reportsSent.add(key)
	}
}

// teams lists the teams of the SLOs, each once, in order of first SLO.
func teams(slos []*slo.SLO) []string {
	seen := map[string]bool{}
	var out []string
	for _, s := range slos {
		if s.Team != "" && !seen[s.Team] {
			seen[s.Team] = true
			out = append(out, s.Team)
		}
	}
	return out
}
