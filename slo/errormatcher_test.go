package slo_test

import (
	"testing"

	"github.com/burnwatch/burnwatch/slo"
)

func TestTheDefaultErrorMatcherMarksOnlyFailedSpans(t *testing.T) {
	tests := []struct {
		name   string
		series map[string]string
		want   bool
	}{
		{"a failed span without the feature gate", map[string]string{"status_code": "STATUS_CODE_ERROR"}, true},
		{"an unset span without the feature gate", map[string]string{"status_code": "STATUS_CODE_UNSET"}, false},
		{"an ok span without the feature gate", map[string]string{"status_code": "STATUS_CODE_OK"}, false},
		{"a failed span under the feature gate", map[string]string{"otel_status_code": "ERROR"}, true},
		{"an ok span under the feature gate", map[string]string{"otel_status_code": "OK"}, false},
		{"an unset span under the feature gate has no status label", map[string]string{"service_name": "checkout"}, false},
		{"a failed span with a user dimension status_code", map[string]string{"status_code": "500", "otel_status_code": "ERROR"}, true},
		{"an ok span with a user dimension status_code", map[string]string{"status_code": "500", "otel_status_code": "OK"}, false},
	}
	def := slo.DefaultErrorMatcher()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := def.Matches(tt.series); got != tt.want {
				t.Errorf("Matches(%v) = %v, want %v", tt.series, got, tt.want)
			}
		})
	}
}

func TestNoSeriesMatchesTwoAlternativesOfTheDefault(t *testing.T) {
	both := map[string]string{"status_code": "STATUS_CODE_ERROR", "otel_status_code": "ERROR"}
	matched := 0
	for _, alt := range slo.DefaultErrorMatcher() {
		if (slo.ErrorMatcher{alt}).Matches(both) {
			matched++
		}
	}
	if matched != 1 {
		t.Errorf("a series with both status labels matches %d alternatives, want 1: its calls would be counted %d times", matched, matched)
	}
}

func TestErrorMatchersReadAsTheSpecWritesThem(t *testing.T) {
	own := loadOne(t, nativeSpec(`      errors:
        metric: traces_spanmetrics_calls_total{service="payments"}
        error_matcher: status_code=~"STATUS_CODE_ERROR|STATUS_CODE_UNSET", span_kind="SPAN_KIND_SERVER"
`))
	tests := []struct {
		name string
		m    slo.ErrorMatcher
		want string
	}{
		{"the spec's own error matcher", own.SLI.ErrorMatcher, `status_code=~"STATUS_CODE_ERROR|STATUS_CODE_UNSET", span_kind="SPAN_KIND_SERVER"`},
		{"the default's alternatives", slo.DefaultErrorMatcher(), `{status_code="STATUS_CODE_ERROR"} or {otel_status_code="ERROR", status_code!="STATUS_CODE_ERROR"}`},
		{"none, as in a latency SLI", nil, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.m.String(); got != tt.want {
				t.Errorf("String() = %s, want %s", got, tt.want)
			}
		})
	}
}
