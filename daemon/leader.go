package daemon

import (
	"context"
	"encoding/json"
	"net/http"
	"os"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/burnwatch/burnwatch/alerting"
	"github.com/burnwatch/burnwatch/burnrate"
)

// Every replica evaluates and serves the dashboard; only the leader runs
// the alert lifecycle and delivers. With the bbolt store the one replica
// always leads; with a shared store the lease says who does, and the
// store's fencing refuses the writes of a replica that lost it.

// initLeadership sets whether this replica leads from the start and
// registers burnwatch_leader.
func (d *Daemon) initLeadership() {
	d.leading.Store(d.lease == nil)
	d.reg.MustRegister(prometheus.NewGaugeFunc(prometheus.GaugeOpts{
		Name: "burnwatch_leader",
		Help: "Whether this replica leads (1): runs the alert lifecycle and delivers notifications.",
	}, func() float64 {
		if d.leading.Load() {
			return 1
		}
		return 0
	}))
}

// runLeadership delivers notifications while this replica leads, until
// ctx ends: always with the bbolt store, during each term of the lease
// with a shared one, once the store has been reached.
func (d *Daemon) runLeadership(ctx context.Context) {
	if d.lease == nil {
		d.disp.Run(ctx)
		return
	}
	if !d.connectStore(ctx) {
		return
	}
	var stop context.CancelFunc
	var done chan struct{}
	d.lease.Lead(ctx, func(leading bool) {
		if !leading {
			d.leading.Store(false)
			if stop != nil {
				stop()
			}
			return
		}
		// The alert manager reads what the last leader committed before
		// its first cycle as leader.
		d.restore.Store(true)
		d.leading.Store(true)
		prev := done
		var term context.Context
		term, stop = context.WithCancel(ctx)
		done = make(chan struct{})
		go func(done chan struct{}) {
			defer close(done)
			if prev != nil {
				<-prev // the last term's workers have stopped
			}
			d.disp.Run(term)
		}(done)
		d.disp.Wake()
	})
	if done != nil {
		<-done
	}
}

// alert runs the alert lifecycle on an evaluation when this replica leads,
// and returns the incidents the dashboard shows: the alert manager's, or,
// on a replica that does not lead, the store's.
func (d *Daemon) alert(ctx context.Context, manager *alerting.Manager, res burnrate.Result) []alerting.Incident {
	since := res.At.Add(-7 * 24 * time.Hour)
	if d.leading.Load() && d.restore.Load() {
		d.mu.Lock()
		opts := d.managerOpts
		d.mu.Unlock()
		m, err := alerting.NewManager(opts)
		if err != nil {
			d.log.Error("restore the open incidents on taking the lead; alerting waits for the next cycle", "err", err)
			return d.storedIncidents(since)
		}
		d.mu.Lock()
		d.manager, manager = m, m
		d.mu.Unlock()
		d.restore.Store(false)
	}
	if !d.leading.Load() {
		return d.storedIncidents(since)
	}
	if err := manager.Process(ctx, res); err != nil {
		d.log.Error("alert manager", "err", err)
	}
	incidents, err := manager.Incidents(since, 200)
	if err != nil {
		d.log.Error("read incidents", "err", err)
	}
	return incidents
}

// storedIncidents are the incidents as the leader committed them; none
// while the store has not been reached (readiness says so).
func (d *Daemon) storedIncidents(since time.Time) []alerting.Incident {
	if !d.storeReached.Load() {
		return nil
	}
	list, err := d.store.Incidents(since, 200)
	if err != nil {
		d.log.Error("read incidents", "err", err)
		return nil
	}
	out := make([]alerting.Incident, len(list))
	for i, inc := range list {
		out[i] = *inc
	}
	return out
}

// Status is what /api/v1/status answers: which store this replica uses
// and who leads.
type Status struct {
	// Store is "bbolt" or "postgres".
	Store string `json:"store"`
	// Replica names this replica (its name in the lease).
	Replica string `json:"replica"`
	// Leader is true when this replica leads.
	Leader bool `json:"leader"`
	// LeaseHolder is the replica that holds the lease, and LeaseEpoch the
	// lease's epoch; empty when the lease has expired, while the store has
	// not been reached yet (/readyz says so), and for bbolt.
	LeaseHolder string `json:"lease_holder,omitempty"`
	LeaseEpoch  int64  `json:"lease_epoch,omitempty"`
}

func (d *Daemon) status(w http.ResponseWriter, r *http.Request) {
	st := Status{Store: "bbolt", Leader: d.leading.Load()}
	if d.lease == nil {
		st.Replica, _ = os.Hostname()
	} else {
		st.Store, st.Replica = "postgres", d.lease.Holder()
	}
	if d.lease != nil && d.storeReached.Load() {
		holder, epoch, err := d.lease.Leader(r.Context())
		if err != nil {
			http.Error(w, d.redactor.Redact(err.Error()), http.StatusServiceUnavailable)
			return
		}
		st.LeaseHolder, st.LeaseEpoch = holder, epoch
	}
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(st)
}
