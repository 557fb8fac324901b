package daemon_test

import (
	"context"
	"log/slog"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/burnwatch/burnwatch/burnrate"
	"github.com/burnwatch/burnwatch/daemon"
)

const checkedSpec = `version: burnwatch/v1
team: checkout
slos:
  - name: latency
    service: checkout
    objective: 99.9
    sli:
      latency:
        metric: traces_span_metrics_duration_milliseconds_bucket{service="checkout"}
        threshold: 2s
  - name: availability
    service: checkout
    objective: 99.9
    sli:
      errors:
        metric: traces_span_metrics_calls_total{service_name="checkout"}
`

func TestDataChecksBlockOnlyTheSLOThatDoesNotFitTheData(t *testing.T) {
	dir := t.TempDir()
	write(t, filepath.Join(dir, "checkout.yaml"), checkedSpec)
	write(t, filepath.Join(dir, "burnwatch.yaml"), "prometheus: {url: http://127.0.0.1:9090}\nspecs: [checkout.yaml]\nlisten_address: 127.0.0.1:0\n")
	eng := embedded(t)
	start := time.Date(2026, 1, 5, 0, 0, 0, 0, time.UTC)
	h := "traces_span_metrics_duration_milliseconds"
	if err := eng.Load(context.Background(), start, time.Minute, ""+
		h+`_bucket{service_name="checkout",le="1400"} 0+100x180`+"\n"+
		h+`_bucket{service_name="checkout",le="2000"} 0+100x180`+"\n"+
		h+`_bucket{service_name="checkout",le="+Inf"} 0+100x180`+"\n"+
		h+`_count{service_name="checkout"} 0+100x180`+"\n"+
		`traces_span_metrics_calls_total{service_name="checkout",status_code="STATUS_CODE_UNSET"} 0+100x180`+"\n"); err != nil {
		t.Fatal(err)
	}
	d, err := daemon.New(daemon.Options{ConfigPath: filepath.Join(dir, "burnwatch.yaml"), Querier: eng, Unscheduled: true,
		Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	at := start.Add(180 * time.Minute)
	if _, complete := d.CheckData(context.Background(), at); !complete {
		t.Fatal("the checks did not all run")
	}
	for _, st := range d.Evaluate(context.Background(), at).Statuses {
		switch st.SLO.ID {
		case "checkout/latency":
			// Without the check this is "no data": the wrong label
			// name matches nothing.
			if st.State != burnrate.StateError || !strings.Contains(st.Reason, "has no label service (it has service_name)") {
				t.Errorf("%s: state %s, reason %q; want error naming the label the metric has", st.SLO.ID, st.State, st.Reason)
			}
		default:
			if st.State != burnrate.StateOK {
				t.Errorf("%s: state %s (%s), want ok: one SLO's data check must not block another", st.SLO.ID, st.State, st.Reason)
			}
		}
		if st.Firing() != "" {
			t.Errorf("%s fires", st.SLO.ID)
		}
	}
}
