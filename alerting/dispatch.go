package alerting

import (
	"context"
	"log/slog"
	"math/rand/v2"
	"sync"
	"time"
)

// DispatcherOptions configure a Dispatcher.
type DispatcherOptions struct {
	Store Outbox
	// Timeout bounds one delivery attempt (default 30s).
	Timeout time.Duration
	// MinBackoff and MaxBackoff bound the exponential backoff between
	// attempts (default 1s and 5m); each wait has up to 20% jitter.
	MinBackoff, MaxBackoff time.Duration
	// Poll is how often an idle worker looks at its outbox even when not
	// woken (default 5s).
	Poll time.Duration
	// Redact removes secrets from error texts before they are recorded or
	// logged; nil leaves them as they are.
	Redact  func(string) string
	Metrics *Metrics
	Logger  *slog.Logger
	Now     func() time.Time
}

// Dispatcher delivers the outbox: one worker per receiver sends that
// receiver's notifications strictly in the order they were queued, so a
// resolve never overtakes its trigger. A retryable failure is retried with
// exponential backoff and jitter, honouring Retry-After; a non-retryable one
// is given up, logged and counted. Receivers fail independently.
type Dispatcher struct {
	opts DispatcherOptions

	mu      sync.Mutex
	workers map[string]*worker
	ctx     context.Context
	wg      sync.WaitGroup
}

type worker struct {
	recv   Receiver
	wake   chan struct{}
	cancel context.CancelFunc
	done   chan struct{}
}

// NewDispatcher returns a dispatcher with no receivers; SetReceivers starts
// their workers once Run has begun.
func NewDispatcher(opts DispatcherOptions) *Dispatcher {
	if opts.Timeout <= 0 {
		opts.Timeout = 30 * time.Second
	}
	if opts.MinBackoff <= 0 {
		opts.MinBackoff = time.Second
	}
	if opts.MaxBackoff <= 0 {
		opts.MaxBackoff = 5 * time.Minute
	}
	if opts.Poll <= 0 {
		opts.Poll = 5 * time.Second
	}
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.Redact == nil {
		opts.Redact = func(s string) string { return s }
	}
	return &Dispatcher{opts: opts, workers: map[string]*worker{}}
}

// Run delivers until ctx ends, then waits for the workers to stop. Receivers
// set before Run start with it. Run may be called again after it returned
// (a replica that regains the lead).
func (d *Dispatcher) Run(ctx context.Context) {
	d.mu.Lock()
	d.ctx = ctx
	for name, w := range d.workers {
		d.start(name, w)
	}
	d.mu.Unlock()
	<-ctx.Done()
	d.wg.Wait()
	d.mu.Lock()
	d.ctx = nil
	d.mu.Unlock()
}

// SetReceivers replaces the receivers: workers of removed or replaced
// receivers stop (their queued notifications stay in the outbox), new ones
// start.
func (d *Dispatcher) SetReceivers(receivers map[string]Receiver) {
	d.mu.Lock()
	defer d.mu.Unlock()
	for name, w := range d.workers {
		if w.cancel != nil {
			w.cancel()
			<-w.done
		}
		delete(d.workers, name)
	}
	for name, r := range receivers {
		w := &worker{recv: r, wake: make(chan struct{}, 1)}
		d.workers[name] = w
		if d.ctx != nil {
			d.start(name, w)
		}
	}
}

func (d *Dispatcher) start(name string, w *worker) {
	ctx, cancel := context.WithCancel(d.ctx)
	w.cancel, w.done = cancel, make(chan struct{})
	d.wg.Add(1)
	go func() {
		defer d.wg.Done()
		defer close(w.done)
		d.work(ctx, name, w)
	}()
}

// Wake tells every worker that notifications were queued.
func (d *Dispatcher) Wake() {
	d.mu.Lock()
	defer d.mu.Unlock()
	for _, w := range d.workers {
		select {
		case w.wake <- struct{}{}:
		default:
		}
	}
}

func (d *Dispatcher) work(ctx context.Context, name string, w *worker) {
	log := d.opts.Logger.With("receiver", name)
	for ctx.Err() == nil {
		e, err := d.opts.Store.Head(name)
		if err != nil {
			log.Error("read outbox", "err", d.opts.Redact(err.Error()))
			d.sleep(ctx, w, d.opts.Poll)
			continue
		}
		if e == nil {
			d.sleep(ctx, w, d.opts.Poll)
			continue
		}
		if wait := e.NextAttempt.Sub(d.opts.Now()); wait > 0 {
			d.sleep(ctx, w, wait)
			continue
		}
		d.deliver(ctx, log, name, w.recv, e)
	}
}

// deliver makes one attempt and records its outcome.
func (d *Dispatcher) deliver(ctx context.Context, log *slog.Logger, name string, r Receiver, e *OutboxEntry) {
	sendCtx, cancel := context.WithTimeout(ctx, d.opts.Timeout)
	retryable, err := r.Notify(sendCtx, e.Notification)
	cancel()
	if ctx.Err() != nil {
		return // shutting down: the entry stays queued
	}
	e.Attempts++
	now := d.opts.Now()
	var reason string
	if err != nil {
		reason = d.opts.Redact(err.Error())
	}
	log = log.With("incident", e.Notification.IncidentKey, "status", e.Notification.Status, "attempt", e.Attempts)
	switch {
	case err == nil:
		e.LastError = ""
		if ferr := d.opts.Store.Finish(e, DeliverySent, now); ferr != nil {
			log.Error("record delivery", "err", d.opts.Redact(ferr.Error()))
		}
		d.opts.Metrics.sent(name)
		log.Info("notification sent")
	case !retryable:
		e.LastError = reason
		if ferr := d.opts.Store.Finish(e, DeliveryFailed, now); ferr != nil {
			log.Error("record delivery", "err", d.opts.Redact(ferr.Error()))
		}
		d.opts.Metrics.failed(name)
		log.Error("notification rejected; giving up", "err", reason)
	default:
		e.LastError = reason
		wait := d.backoff(e.Attempts)
		if after, ok := RetryAfter(err); ok {
			wait = max(after, d.opts.MinBackoff)
		}
		e.NextAttempt = now.Add(wait)
		if rerr := d.opts.Store.Retry(e); rerr != nil {
			log.Error("record retry", "err", d.opts.Redact(rerr.Error()))
		}
		d.opts.Metrics.retried(name)
		log.Warn("notification failed; will retry", "err", reason, "retry_in", wait.Round(time.Millisecond))
	}
}

// backoff is MinBackoff·2^(attempts−1), capped, with up to 20% jitter.
func (d *Dispatcher) backoff(attempts int) time.Duration {
	wait := d.opts.MinBackoff
	for i := 1; i < attempts && wait < d.opts.MaxBackoff; i++ {
		wait *= 2
	}
	wait = min(wait, d.opts.MaxBackoff)
	return wait + time.Duration(rand.Float64()*0.2*float64(wait))
}

func (d *Dispatcher) sleep(ctx context.Context, w *worker, dur time.Duration) {
	t := time.NewTimer(dur)
	defer t.Stop()
	select {
	case <-ctx.Done():
	case <-w.wake:
	case <-t.C:
	}
}
