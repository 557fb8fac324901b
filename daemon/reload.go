package daemon

import (
	"errors"
	"fmt"
	"reflect"

	"github.com/burnwatch/burnwatch/alerting"
)

// Reload parses and validates the config and specs, builds what they need,
// and swaps them in. On any problem the last good set stays, the problems
// are logged with their places, and burnwatch_config_last_reload_successful
// says 0. A good reload applies every setting except restartSettings, which
// it logs and counts and leaves at their running values.
//
// A spec file with problems keeps its last good SLOs while the config and
// the other files apply; the reload is then reported failed as well, with
// the problems, until the file is fixed.
func (d *Daemon) Reload() error {
	err := d.reload()
	d.metrics.reloadOK(err == nil)
	switch {
	case errors.Is(err, errSpecsKept):
		d.log.Error("reload applied except for the spec files with problems, which keep their last good SLOs", "err", err)
	case err != nil:
		d.log.Error("reload failed; keeping the last good config and specs", "err", err)
	}
	return err
}

func (d *Daemon) reload() error {
	cfg, err := LoadConfig(d.opts.ConfigPath, extraNames(d.opts.ExtraReceivers)...)
	if err != nil {
		return err
	}
	d.redactSecrets(cfg)
	d.mu.Lock()
	old, last := d.cfg, d.slos
	d.mu.Unlock()
	slos, specProblems, ok := reloadSpecs(cfg, d.opts.TraceLinks, last)
	if !ok {
		return specProblems
	}
	q, err := d.newQuerier(cfg)
	if err != nil {
		return err
	}
	receivers, resend, err := d.buildReceivers(cfg)
	if err != nil {
		return fmt.Errorf("config %s: %w", cfg.path, err)
	}
	changed := changedSettings(old, cfg)
	// The running values stay, so that the config in use says what runs.
	cfg.ListenAddress, cfg.DataDir, cfg.Store = old.ListenAddress, old.DataDir, old.Store
	var handler = d.handler.h.Load()
	if webChanged(old, cfg) {
		h, err := d.newHandler(cfg)
		if err != nil {
			return fmt.Errorf("config %s: web: %w", cfg.path, err)
		}
		handler = h
		d.mu.Lock()
		addr := d.listenAddr
		d.mu.Unlock()
		if addr != "" {
			d.warnIfOpen(cfg, addr)
		}
	}

	opts := d.managerOptions(cfg, resend)
	d.cycle.Lock()
	defer d.cycle.Unlock()
	var manager *alerting.Manager
	rebuild := !reflect.DeepEqual(old.Alerting, cfg.Alerting) || old.ExternalURL != cfg.ExternalURL
	if rebuild && d.lease == nil {
		// The manager takes its policy when it is built; a new one
		// restores the open incidents from the store, as after a restart.
		if manager, err = alerting.NewManager(opts); err != nil {
			return fmt.Errorf("config %s: alerting: %w", cfg.path, err)
		}
	}
	d.mu.Lock()
	if !reflect.DeepEqual(old.Prometheus, cfg.Prometheus) {
		d.evaluator = newEvaluator(cfg) // new source: rebuild the tiles
		d.tileState = newTileState(cfg)
	}
	d.cfg, d.slos, d.querier = cfg, slos, q
	if manager != nil {
		d.manager = manager
	} else if d.manager != nil {
		d.manager.SetRouting(opts.Router, opts.Resend)
	}
	d.managerOpts = opts
	if rebuild && d.lease != nil {
		// With a shared store the leader builds it at its next cycle, as
		// when it takes the lease; a store out of reach fails no reload.
		d.restore.Store(true)
	}
	d.receivers = receiverNames(receivers)
	d.mu.Unlock()
	d.disp.SetReceivers(receivers)
	d.handler.h.Store(handler)
	for _, path := range changed {
		if restartSettings[path] {
			d.log.Warn("config setting changed; it takes effect at the next restart", "setting", path)
			d.metrics.restartRequired.WithLabelValues(path).Inc()
		}
	}
	d.log.Info("reloaded config and specs", "changed", changed, "slos", len(slos))
	return specProblems
}
