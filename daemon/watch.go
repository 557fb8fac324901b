package daemon

import (
	"context"
	"io/fs"
	"os"
	"path/filepath"
	"time"

	"github.com/fsnotify/fsnotify"
)

// debounce is how long file changes settle before a reload: editors write
// a file in several steps, and a git checkout changes many.
const debounce = time.Second

// watch reloads on SIGHUP and, debounced, when the config or a spec changes.
// It watches directories, since editors and Kubernetes replace files rather
// than write them, but only events about the config file, spec files and
// directories, and a Kubernetes ..data symlink swap count: a log file or
// anything else beside the config changes nothing.
func (d *Daemon) watch(ctx context.Context) {
	w, err := fsnotify.NewWatcher()
	if err != nil {
		d.log.Error("file watching is off; reload with SIGHUP", "err", err)
	} else {
		defer w.Close()
		d.addWatches(w)
	}
	var events <-chan fsnotify.Event
	var errs <-chan error
	if w != nil {
		events, errs = w.Events, w.Errors
	}
	var timer <-chan time.Time
	for {
		select {
		case <-ctx.Done():
			return
		case <-d.opts.Reload:
			d.Reload()
		case ev := <-events:
			if ev.Op&(fsnotify.Write|fsnotify.Create|fsnotify.Remove|fsnotify.Rename) != 0 && d.watched(ev) {
				timer = time.After(debounce)
			}
		case err := <-errs:
			d.log.Warn("file watcher", "err", err)
		case <-timer:
			timer = nil
			d.Reload()
			if w != nil {
				d.addWatches(w) // new spec directories
			}
		}
	}
}

// addWatches watches the config's directory and every spec directory.
func (d *Daemon) addWatches(w *fsnotify.Watcher) {
	d.mu.Lock()
	cfg := d.cfg
	d.mu.Unlock()
	dirs := map[string]bool{filepath.Dir(cfg.path): true}
	for _, p := range cfg.Specs {
		info, err := os.Stat(p)
		if err != nil {
			continue
		}
		if !info.IsDir() {
			dirs[filepath.Dir(p)] = true
			continue
		}
		_ = filepath.WalkDir(p, func(path string, e fs.DirEntry, err error) error {
			if err == nil && e.IsDir() {
				dirs[path] = true
			}
			return nil
		})
	}
	for dir := range dirs {
		if err := w.Add(dir); err != nil {
			d.log.Warn("cannot watch directory", "dir", dir, "err", err)
		}
	}
}

// watched reports whether a file event is about the config or the specs:
// the config file, a ..data symlink (a Kubernetes ConfigMap or Secret
// volume swaps it to replace every file at once), a spec file, a YAML file
// or a directory below a spec directory, or a removed entry there that has
// no extension (a directory).
func (d *Daemon) watched(ev fsnotify.Event) bool {
	d.mu.Lock()
	cfg := d.cfg
	d.mu.Unlock()
	p := absolute(ev.Name)
	if p == absolute(cfg.path) || filepath.Base(p) == "..data" {
		return true
	}
	for _, spec := range cfg.Specs {
		spec = absolute(spec)
		if p == spec {
			return true
		}
		if !within(p, spec) {
			continue
		}
		switch ext := filepath.Ext(p); {
		case ext == ".yaml" || ext == ".yml":
			return true
		case ext == "" && ev.Op&(fsnotify.Remove|fsnotify.Rename) != 0:
			return true
		}
		if info, err := os.Stat(p); err == nil && info.IsDir() {
			return true
		}
	}
	return false
}

func absolute(p string) string {
	if a, err := filepath.Abs(p); err == nil {
		return a
	}
	return filepath.Clean(p)
}
