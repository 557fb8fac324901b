package alerting

// This file holds the promises the model-based test checks its runs
// against.

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/burnwatch/burnwatch/burnrate"
)

// memoryEqualsDisk checks that the manager's open incidents are those the
// store holds.
func (md *model) memoryEqualsDisk() error {
	disk, err := md.store.OpenIncidents()
	if err != nil {
		return err
	}
	var want, got []string
	for _, i := range disk {
		want = append(want, i.Key)
	}
	for _, i := range md.m.Open() {
		got = append(got, i.Key)
	}
	slices.Sort(want)
	slices.Sort(got)
	if !slices.Equal(got, want) {
		return fmt.Errorf("open incidents in memory %q, on disk %q", got, want)
	}
	return nil
}

// recordsForward checks that no delivery record went backwards.
func (md *model) recordsForward() error {
	keys := map[string]bool{}
	for _, n := range md.committed {
		keys[n.IncidentKey] = true
	}
	all, err := md.store.Deliveries(slices.Collect(func(yield func(string) bool) {
		for k := range keys {
			if !yield(k) {
				return
			}
		}
	})...)
	if err != nil {
		return err
	}
	for _, list := range all {
		for _, d := range list {
			k := d.Receiver + "\x00" + d.NotificationID
			prev, seen := md.records[k]
			if seen && (d.Attempts < prev.Attempts || (prev.State != DeliveryPending && d.State != prev.State)) {
				return fmt.Errorf("delivery record %s to %s went backwards: %s after %d attempts, then %s after %d",
					d.NotificationID, d.Receiver, prev.State, prev.Attempts, d.State, d.Attempts)
			}
			md.records[k] = d
		}
	}
	return nil
}

// check holds the run against the promises.
func (md *model) check() error {
	for key, n := range md.committed {
		receiver := key[:slices.Index([]byte(key), 0)]
		if !slices.ContainsFunc(md.delivered[receiver], func(d *Notification) bool { return d.ID == n.ID }) {
			return fmt.Errorf("notification %s to %s was committed but never delivered", n.ID, receiver)
		}
		if d := md.records[key]; d.State != DeliverySent {
			return fmt.Errorf("notification %s to %s was delivered but its record says %s", n.ID, receiver, d.State)
		}
	}
	for r, log := range md.delivered {
		byIncident := map[string][]*Notification{}
		ids := map[string]bool{}
		for _, n := range log {
			if ids[n.ID] {
				md.seen["duplicate"]++
			} else {
				md.seen[strings.TrimSpace(fmt.Sprintf("%s %s %s", n.Kind, n.Status, n.EndReason))]++
			}
			ids[n.ID] = true
			if err := md.notOnMissingData(n); err != nil {
				return err
			}
			byIncident[n.IncidentKey] = append(byIncident[n.IncidentKey], n)
		}
		for key, list := range byIncident {
			if err := incidentLife(list); err != nil {
				return fmt.Errorf("incident %s at %s: %w", key, r, err)
			}
		}
	}
	if open := md.m.Open(); len(open) > 0 {
		return fmt.Errorf("%d incidents still open after everything recovered, first %s", len(open), open[0].Key)
	}
	return nil
}

// incidentLife checks one incident's notifications to one receiver, in the
// order received: one trigger first, at most one update, at most one
// resolve, and nothing new after it. A notification received again after a
// crash is a duplicate, not a new one.
func incidentLife(list []*Notification) error {
	seen := map[string]bool{}
	var trigger, update, resolve string
	for i, n := range list {
		if seen[n.ID] {
			continue // a duplicate after a crash
		}
		seen[n.ID] = true
		switch {
		case resolve != "":
			return fmt.Errorf("%s %s arrived after the resolve", n.Status, n.ID)
		case i == 0 && (n.Status != Firing || n.Repeat):
			return fmt.Errorf("first notification is %s (repeat %v), not the trigger", n.Status, n.Repeat)
		case n.Status == Firing && !n.Repeat:
			if trigger != "" {
				return fmt.Errorf("two triggers: %s and %s", trigger, n.ID)
			}
			trigger = n.ID
		case n.Status == Updated:
			if update != "" {
				return fmt.Errorf("two updates: %s and %s", update, n.ID)
			}
			update = n.ID
		case n.Status == Resolved:
			resolve = n.ID
		}
	}
	if resolve == "" {
		return errors.New("never resolved")
	}
	return nil
}

// notOnMissingData checks that a resolve was for a reason that held at its
// evaluation: a recovery on data, an SLO really gone, an escalation.
func (md *model) notOnMissingData(n *Notification) error {
	if n.Status != Resolved || !n.Kind.PerSLO() {
		return nil
	}
	state, loaded := md.history[n.EvaluatedAt][n.SLO.ID]
	switch n.EndReason {
	case EndSLORemoved:
		if loaded {
			return fmt.Errorf("%s closed as removed while its SLO was loaded", n.IncidentKey)
		}
	case EndRecovered, EndEscalated:
		if !loaded || state != burnrate.StateOK {
			return fmt.Errorf("%s resolved as %s when its SLO's evaluation was %q (loaded %v)", n.IncidentKey, n.EndReason, state, loaded)
		}
	default:
		return fmt.Errorf("%s resolved without a reason", n.IncidentKey)
	}
	return nil
}
