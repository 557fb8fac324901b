package burnrate_test

import (
	"context"
	"fmt"
	"log/slog"
	"math"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/burnwatch/burnwatch/burnrate"
	"github.com/burnwatch/burnwatch/prom"
	"github.com/burnwatch/burnwatch/slo"
)

// Simulated-time scenarios on the embedded engine: synthetic span metrics
// at one sample a minute, an SLO of 99.9% over 30 days, and the evaluator
// stepped through time. Detection times are checked against the floor that
// no evaluator can beat with the workbook policy:
// (1 − objective) × long window × factor / error ratio.

var epoch = time.Date(2026, 1, 5, 0, 0, 0, 0, time.UTC)

// traffic says how many calls (and how many bad ones) arrive in minute m.
type traffic func(m int) (calls, bad float64)

func steady(calls, badShare float64) traffic {
	return func(int) (float64, float64) { return calls, calls * badShare }
}

// incident is base traffic with a different bad share between two minutes.
func incident(base traffic, from, to int, badShare float64) traffic {
	return func(m int) (float64, float64) {
		calls, bad := base(m)
		if m >= from && m < to {
			return calls, calls * badShare
		}
		return calls, bad
	}
}

const errorsSpec = `version: burnwatch/v1
team: checkout
slos:
  - name: availability
    service: checkout
    objective: 99.9
    sli:
      errors:
        metric: traces_span_metrics_calls_total{service_name="checkout"}
`

const latencySpec = `version: burnwatch/v1
team: checkout
slos:
  - name: latency
    service: checkout
    objective: 99.9
    sli:
      latency:
        metric: traces_span_metrics_duration_milliseconds_bucket{service_name="checkout"}
        threshold: 2s
`

func loadSLO(t testing.TB, spec string) *slo.SLO {
	t.Helper()
	set, diags := slo.LoadBytes("spec.yaml", []byte(spec))
	if len(diags) > 0 {
		t.Fatal(diags)
	}
	return set.SLOs[0]
}

// cumulative renders per-minute increments as a counter's samples.
func cumulative(minutes int, inc func(m int) float64) string {
	var b strings.Builder
	total := 0.0
	for m := range minutes {
		if m > 0 {
			total += inc(m)
		}
		b.WriteString(strconv.FormatFloat(total, 'f', -1, 64))
		b.WriteByte(' ')
	}
	return b.String()
}

// errorSeries is the spanmetrics calls counter split by status code.
func errorSeries(minutes int, tr traffic) string {
	ok := cumulative(minutes, func(m int) float64 { c, b := tr(m); return c - b })
	bad := cumulative(minutes, func(m int) float64 { _, b := tr(m); return b })
	return fmt.Sprintf("traces_span_metrics_calls_total{service_name=\"checkout\",status_code=\"STATUS_CODE_OK\"} %s\n"+
		"traces_span_metrics_calls_total{service_name=\"checkout\",status_code=\"STATUS_CODE_ERROR\"} %s\n", ok, bad)
}

// latencySeries is the spanmetrics duration histogram: "bad" calls take
// longer than 2 s, the others 100 ms.
func latencySeries(minutes int, tr traffic) string {
	good := cumulative(minutes, func(m int) float64 { c, b := tr(m); return c - b })
	all := cumulative(minutes, func(m int) float64 { c, _ := tr(m); return c })
	h := "traces_span_metrics_duration_milliseconds"
	sel := `service_name="checkout"`
	return fmt.Sprintf("%s_bucket{%s,le=\"100\"} %s\n%s_bucket{%s,le=\"2000\"} %s\n%s_bucket{%s,le=\"+Inf\"} %s\n%s_count{%s} %s\n",
		h, sel, good, h, sel, good, h, sel, all, h, sel, all)
}

func newEngine(t testing.TB, series string) *prom.Embedded {
	t.Helper()
	e, err := prom.NewEmbedded(prom.EmbeddedOptions{Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { e.Close() })
	if err := e.Load(context.Background(), epoch, time.Minute, series); err != nil {
		t.Fatal(err)
	}
	return e
}

// firstFiring steps the evaluator from `from` to `to` and returns when the
// given tier first fired, or -1.
func firstFiring(t *testing.T, ev *burnrate.Evaluator, q burnrate.Querier, s *slo.SLO, sev slo.Severity, from, to, step time.Duration) time.Duration {
	t.Helper()
	for at := from; at <= to; at += step {
		res := ev.Evaluate(context.Background(), q, []*slo.SLO{s}, epoch.Add(at))
		st := res.Statuses[0]
		if st.State == burnrate.StateError {
			t.Fatalf("evaluation at %s failed: %s", at, st.Reason)
		}
		for _, a := range st.Alerts {
			if a.Firing && a.Severity == sev {
				return at
			}
		}
	}
	return -1
}

func TestScenariosDetectNoSoonerThanTheFloorAndNotMuchLater(t *testing.T) {
	const (
		warmup   = 3*24*60 + 6*60 // minutes of clean traffic first
		evalStep = 30 * time.Second
		scrape   = time.Minute
	)
	// Minute m's sample carries the calls of the minute before it, so an
	// incident that starts with minute `warmup` began a minute earlier.
	start := time.Duration(warmup-1) * time.Minute
	tests := []struct {
		name       string
		spec       string
		series     func(int, traffic) string
		badShare   float64
		duration   int // minutes
		wantTier   slo.Severity
		firstRule  slo.Window // the rule expected to fire first
		shouldFire bool
	}{
		{"a total outage pages", errorsSpec, errorSeries, 1, 30, slo.Page, pageFast, true},
		{"50% errors for 10 minutes page", errorsSpec, errorSeries, 0.5, 10, slo.Page, pageFast, true},
		{"20% of requests above 2 s for 30 minutes page", latencySpec, latencySeries, 0.2, 30, slo.Page, pageFast, true},
		{"a 30-second total outage (1.2% of the budget) does not page", errorsSpec, errorSeries, 0.5, 1, slo.Page, pageFast, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			minutes := warmup + 120
			tr := incident(steady(100, 0.0001), warmup, warmup+tt.duration, tt.badShare)
			eng := newEngine(t, tt.series(minutes, tr))
			s := loadSLO(t, tt.spec)
			ev := burnrate.NewEvaluator(burnrate.Options{})
			detected := firstFiring(t, ev, eng, s, tt.wantTier, start, start+90*time.Minute, evalStep)
			if !tt.shouldFire {
				if detected >= 0 {
					t.Fatalf("fired %s after the start, want no alert", detected-start)
				}
				return
			}
			if detected < 0 {
				t.Fatal("never fired")
			}
			floor := time.Duration(s.ErrorBudget() * float64(tt.firstRule.Long) * tt.firstRule.Factor / tt.badShare)
			took := detected - start
			t.Logf("detected after %s; floor %s", took, floor.Round(time.Second))
			// Data arrives once a minute: a sample can land up to a scrape
			// before the floor, and one evaluation step plus a scrape after.
			if took < floor-scrape || took > floor+evalStep+scrape {
				t.Errorf("detected after %s, want within [floor − scrape, floor + eval + scrape] = [%s, %s]", took, floor-scrape, floor+evalStep+scrape)
			}
		})
	}
}

var pageFast = slo.Window{Severity: slo.Page, Long: time.Hour, Short: 5 * time.Minute, Factor: 14.4}

func TestPageResetsAfterRecovery(t *testing.T) {
	warmup := 6 * 60
	tr := incident(steady(100, 0), warmup, warmup+20, 1)
	eng := newEngine(t, errorSeries(warmup+120, tr))
	s := loadSLO(t, errorsSpec)
	ev := burnrate.NewEvaluator(burnrate.Options{})
	end := time.Duration(warmup+19) * time.Minute // the last bad minute ends here
	lastFiring := map[time.Duration]time.Duration{}
	for at := end - 5*time.Minute; at <= end+60*time.Minute; at += 30 * time.Second {
		st := ev.Evaluate(context.Background(), eng, []*slo.SLO{s}, epoch.Add(at)).Statuses[0]
		for _, a := range st.Alerts {
			if a.Firing {
				lastFiring[a.Short] = at - end
			}
		}
	}
	// Each rule resets once its short window no longer holds enough of the
	// outage: the 1h/5m rule about five minutes after recovery, the 6h/30m
	// rule about thirty.
	for short, want := range map[time.Duration]time.Duration{5 * time.Minute: 5 * time.Minute, 30 * time.Minute: 30 * time.Minute} {
		got, ok := lastFiring[short]
		if !ok {
			t.Errorf("the page rule with the %s short window never fired during the outage", short)
			continue
		}
		if got > want || got < want-2*time.Minute {
			t.Errorf("page rule with short window %s last fired %s after recovery, want just under %s", short, got, want)
		}
	}
}

func TestSlowBurnsTicketButDoNotPage(t *testing.T) {
	tests := []struct {
		name       string
		factor     float64
		minutes    int
		wantTicket bool
	}{
		// 2× for a day spends 6.7% of a 30-day budget: below every
		// rule's budget share, so no alert.
		{"2× burn for a day alerts nothing", 2, 24 * 60, false},
		// 1.1× for a week would spend the budget within the period.
		{"a 1.1× leak for a week tickets", 1.1, 7 * 24 * 60, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			// Three clean days first, so that every window has a past.
			clean := 3 * 24 * 60
			tr := incident(steady(100, 0), clean, clean+tt.minutes, 0.001*tt.factor)
			eng := newEngine(t, errorSeries(clean+tt.minutes+1, tr))
			s := loadSLO(t, errorsSpec)
			ev := burnrate.NewEvaluator(burnrate.Options{})
			var ticket, page bool
			for at := time.Duration(clean) * time.Minute; at <= time.Duration(clean+tt.minutes)*time.Minute; at += 30 * time.Minute {
				switch ev.Evaluate(context.Background(), eng, []*slo.SLO{s}, epoch.Add(at)).Statuses[0].Firing() {
				case slo.Page:
					page = true
				case slo.Ticket:
					ticket = true
				}
			}
			if page {
				t.Error("a slow burn paged")
			}
			if ticket != tt.wantTicket {
				t.Errorf("ticket fired = %v, want %v", ticket, tt.wantTicket)
			}
		})
	}
}

// truthRatio is the error ratio the traffic really had over the minutes in
// (at − w, at]: the sample of minute m carries that minute's calls.
func truthRatio(tr traffic, at, w time.Duration) float64 {
	var calls, bad float64
	for m := int((at-w)/time.Minute) + 1; m <= int(at/time.Minute); m++ {
		c, b := tr(m)
		calls += c
		bad += b
	}
	return bad / calls
}

// TestTiledWindowsMatchExactIncrease measures the tiles against increase()
// over the whole window and against the traffic that was really generated,
// on a week with incidents, every 20 minutes (off the tile boundaries). The
// tiles must be within 1% of the truth, and take the same page and ticket
// decisions as increase().
// increase() itself extrapolates at the window's edges: where a window
// starts or ends on the edge of an incident it is off the truth by up to a
// scrape interval's worth of the incident, so its distance to the tiles is
// logged, and bounded only loosely.
func TestTiledWindowsMatchExactIncrease(t *testing.T) {
	minutes := 7 * 24 * 60
	tr := func(m int) (float64, float64) {
		calls := 100 + 50*math.Sin(float64(m)/180) // a slow wave of traffic
		share := 0.0008
		switch {
		case m%(24*60) > 600 && m%(24*60) <= 640:
			share = 0.05 // a daily 40-minute incident
		case m > 5*24*60:
			share = 0.0025 // a slow burn at the end
		}
		return calls, calls * share
	}
	eng := newEngine(t, errorSeries(minutes, tr))
	s := loadSLO(t, errorsSpec)
	tiled := burnrate.NewEvaluator(burnrate.Options{})
	exact := burnrate.NewEvaluator(burnrate.Options{Exact: true})
	var worstTruth, worstExact, exactTruth float64
	decisions, tiledWindows := 0, 0
	for at := 4*24*time.Hour + 7*time.Minute; at <= time.Duration(minutes-1)*time.Minute; at += 20 * time.Minute {
		ts := tiled.Evaluate(context.Background(), eng, []*slo.SLO{s}, epoch.Add(at)).Statuses[0]
		es := exact.Evaluate(context.Background(), eng, []*slo.SLO{s}, epoch.Add(at)).Statuses[0]
		for i, w := range es.Windows {
			got, want := ts.Windows[i].ErrorRatio, w.ErrorRatio
			truth := truthRatio(tr, at, w.Window)
			relTruth := math.Abs(got-truth) / truth
			if w.Window <= time.Hour {
				// Short windows are queried with increase() either way.
				if got != want {
					t.Errorf("at %s window %s: %.6g, increase() %.6g; short windows must be queried directly", at, burnrate.FormatWindow(w.Window), got, want)
				}
				continue
			}
			tiledWindows++
			worstTruth = math.Max(worstTruth, relTruth)
			worstExact = math.Max(worstExact, math.Abs(got-want)/want)
			exactTruth = math.Max(exactTruth, math.Abs(want-truth)/truth)
			if relTruth > 0.01 {
				t.Errorf("at %s window %s: tiled error ratio %.6g, truth %.6g (%.2f%% off)", at, burnrate.FormatWindow(w.Window), got, truth, 100*relTruth)
			}
			if rel := math.Abs(got-want) / want; rel > 0.10 {
				t.Errorf("at %s window %s: tiled %.6g and increase() %.6g differ by %.1f%%", at, burnrate.FormatWindow(w.Window), got, want, 100*rel)
			}
		}
		for i, a := range es.Alerts {
			decisions++
			if ts.Alerts[i].Firing != a.Firing {
				t.Errorf("at %s rule %s/%s: tiled firing %v, increase() firing %v (burn %.3f vs %.3f)", at, a.Long, a.Short, ts.Alerts[i].Firing, a.Firing, ts.Alerts[i].LongBurnRate, a.LongBurnRate)
			}
		}
	}
	t.Logf("tiled windows (2h to 30d), worst relative error of the error ratio: tiles vs truth %.3f%%, increase() vs truth %.3f%%, tiles vs increase() %.3f%%; %d tiled windows and %d decisions compared",
		100*worstTruth, 100*exactTruth, 100*worstExact, tiledWindows, decisions)
}

// resetAt renders a counter that restarts from zero at minute r, as a
// restarted process's counter does.
func resetAt(minutes, r int, inc func(m int) float64) string {
	var b strings.Builder
	total := 0.0
	for m := range minutes {
		if m == r {
			total = 0
		} else if m > 0 {
			total += inc(m)
		}
		b.WriteString(strconv.FormatFloat(total, 'f', -1, 64))
		b.WriteByte(' ')
	}
	return b.String()
}

func TestCounterResetsAndVanishingSeries(t *testing.T) {
	minutes := 2 * 24 * 60
	reset := minutes - 3*60
	tr := steady(100, 0.01)
	ok := resetAt(minutes, reset, func(m int) float64 { c, b := tr(m); return c - b })
	bad := resetAt(minutes, reset, func(m int) float64 { _, b := tr(m); return b })
	// A third series that stops two hours before the end.
	gone := cumulative(minutes-120, func(int) float64 { return 50 })
	eng := newEngine(t, fmt.Sprintf("traces_span_metrics_calls_total{service_name=\"checkout\",status_code=\"STATUS_CODE_OK\"} %s\n"+
		"traces_span_metrics_calls_total{service_name=\"checkout\",status_code=\"STATUS_CODE_ERROR\"} %s\n"+
		"traces_span_metrics_calls_total{service_name=\"checkout\",status_code=\"STATUS_CODE_UNSET\",span_name=\"old\"} %s\n", ok, bad, gone))
	s := loadSLO(t, errorsSpec)
	at := time.Duration(minutes-1) * time.Minute
	for _, opts := range []burnrate.Options{{}, {Exact: true}} {
		st := burnrate.NewEvaluator(opts).Evaluate(context.Background(), eng, []*slo.SLO{s}, epoch.Add(at)).Statuses[0]
		if st.State != burnrate.StateOK {
			t.Fatalf("exact=%v: state %s: %s", opts.Exact, st.State, st.Reason)
		}
		// Over 1h the vanished series is gone: exactly 1% errors, in
		// spite of the reset three hours ago.
		w, _ := st.Window(time.Hour)
		if math.Abs(w.ErrorRatio-0.01) > 0.0002 {
			t.Errorf("exact=%v: 1h error ratio %v, want 0.01", opts.Exact, w.ErrorRatio)
		}
		// Over 6h the reset is inside the window and the vanished series
		// still counts for the four hours it lived.
		want := (360 * 1.0) / (360*100 + 240*50)
		w6, _ := st.Window(6 * time.Hour)
		if rel := math.Abs(w6.ErrorRatio-want) / want; rel > 0.02 {
			t.Errorf("exact=%v: 6h error ratio %v, want %v (%.1f%% off)", opts.Exact, w6.ErrorRatio, want, rel*100)
		}
	}
}

// TestAResetBetweenScrapesAtATileBoundary restarts the process between the
// last scrape before a tile boundary and the first after it: the tile's
// start value is from before the reset, its end value from after, and the
// tile must notice and fall back to increase() instead of going negative.
func TestAResetBetweenScrapesAtATileBoundary(t *testing.T) {
	// Scrapes every 30 s at :15 and :45; 10 calls a second, 1% errors; the
	// restart at 3h14m50s falls between the scrapes around the 3h15m
	// boundary.
	restart := 3*time.Hour + 14*time.Minute + 50*time.Second
	var ok, bad strings.Builder
	for i := range 6 * 120 {
		at := time.Duration(i)*30*time.Second + 15*time.Second
		if at > restart {
			at -= restart
		}
		ok.WriteString(strconv.FormatFloat(9.9*at.Seconds(), 'f', -1, 64) + " ")
		bad.WriteString(strconv.FormatFloat(0.1*at.Seconds(), 'f', -1, 64) + " ")
	}
	eng, err := prom.NewEmbedded(prom.EmbeddedOptions{Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	defer eng.Close()
	err = eng.Load(context.Background(), epoch.Add(15*time.Second), 30*time.Second, fmt.Sprintf(
		"traces_span_metrics_calls_total{service_name=\"checkout\",status_code=\"STATUS_CODE_UNSET\"} %s\n"+
			"traces_span_metrics_calls_total{service_name=\"checkout\",status_code=\"STATUS_CODE_ERROR\"} %s\n", ok.String(), bad.String()))
	if err != nil {
		t.Fatal(err)
	}
	s := loadSLO(t, errorsSpec)
	ev := burnrate.NewEvaluator(burnrate.Options{})
	for at := 3 * time.Hour; at <= 5*time.Hour+30*time.Minute; at += 5 * time.Minute {
		w, _ := ev.Evaluate(context.Background(), eng, []*slo.SLO{s}, epoch.Add(at)).Statuses[0].Window(2 * time.Hour)
		// 10 calls a second: 72,000 in two hours, give or take the few
		// seconds of the restart.
		if w.Valid < 71_500 || w.Valid > 72_500 || math.Abs(w.ErrorRatio-0.01) > 0.0005 {
			t.Errorf("at %s the 2h window has %.0f valid events and error ratio %.4f, want about 72000 and 0.01", at, w.Valid, w.ErrorRatio)
		}
	}
}
