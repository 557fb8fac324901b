package slo

// The native burnwatch/v1 file format, as it is written in YAML. These types
// only carry what the author wrote; native.go turns them into validated SLOs.

// NativeVersion is the version line of burnwatch's own spec format.
const NativeVersion = "burnwatch/v1"

type fileSpec struct {
	Version string            `yaml:"version"`
	Team    string            `yaml:"team"`
	Owners  ownersSpec        `yaml:"owners"`
	Labels  map[string]string `yaml:"labels"`
	Traces  *tracesSpec       `yaml:"traces"`
	// Corrections apply to the file's SLOs that their match selects.
	Corrections []correctionSpec `yaml:"corrections"`
	// Gate is the deploy-gate policy of the file's SLOs that set none.
	Gate *gateSpec `yaml:"gate"`
	SLOs []sloSpec `yaml:"slos"`
}

type ownersSpec struct {
	SlackChannel     string `yaml:"slack_channel"`
	PagerDutyService string `yaml:"pagerduty_service"`
}

type sloSpec struct {
	Name        string            `yaml:"name"`
	Service     string            `yaml:"service"`
	Description string            `yaml:"description"`
	Objective   *float64          `yaml:"objective"`
	Period      string            `yaml:"period"`
	TimeZone    string            `yaml:"time_zone"`
	Labels      map[string]string `yaml:"labels"`
	SLI         sliSpec           `yaml:"sli"`
	Alerting    alertingSpec      `yaml:"alerting"`
	Traces      *tracesSpec       `yaml:"traces"`
	// GroupBy splits the SLO into one SLO per value of these labels.
	GroupBy     []string         `yaml:"group_by"`
	MaxGroups   *int             `yaml:"max_groups"`
	Corrections []correctionSpec `yaml:"corrections"`
	Gate        *gateSpec        `yaml:"gate"`
}

type sliSpec struct {
	Latency *latencySpec `yaml:"latency"`
	Errors  *errorsSpec  `yaml:"errors"`
	Events  *eventsSpec  `yaml:"events"`
	Raw     *rawSpec     `yaml:"raw"`
}

type latencySpec struct {
	// Metric is a series selector: the histogram's name (with or without
	// _bucket) and optional label matchers.
	Metric    string `yaml:"metric"`
	Threshold string `yaml:"threshold"`
	Dialect   string `yaml:"dialect"`
	// Unit is the histogram's unit (ms or s) when neither the dialect nor the
	// metric name says it.
	Unit string `yaml:"unit"`
	// Native reads a native (exponential) histogram with
	// histogram_fraction: the threshold need not be a bucket boundary.
	Native bool `yaml:"native"`
}

type errorsSpec struct {
	Metric       string `yaml:"metric"`
	ErrorMatcher string `yaml:"error_matcher"`
	Dialect      string `yaml:"dialect"`
}

type eventsSpec struct {
	GoodQuery  string `yaml:"good_query"`
	ErrorQuery string `yaml:"error_query"`
	TotalQuery string `yaml:"total_query"`
}

type rawSpec struct {
	ErrorRatioQuery string `yaml:"error_ratio_query"`
}

type alertingSpec struct {
	Name           string            `yaml:"name"`
	Page           tierSpec          `yaml:"page"`
	Ticket         tierSpec          `yaml:"ticket"`
	Windows        []windowSpec      `yaml:"windows"`
	WindowsFile    string            `yaml:"windows_file"`
	Labels         map[string]string `yaml:"labels"`
	Annotations    map[string]string `yaml:"annotations"`
	RunbookURL     string            `yaml:"runbook_url"`
	MinValidEvents *float64          `yaml:"min_valid_events"`
	// LowTrafficConfidence is checked in lowTrafficConfidence.
	LowTrafficConfidence *float64         `yaml:"low_traffic_confidence"`
	Exhaustion           *exhaustionSpec  `yaml:"exhaustion"`
	BudgetSpent          *budgetSpentSpec `yaml:"budget_spent"`
}

type tierSpec struct {
	Disable     bool              `yaml:"disable"`
	Labels      map[string]string `yaml:"labels"`
	Annotations map[string]string `yaml:"annotations"`
}

type windowSpec struct {
	Severity      string   `yaml:"severity"`
	Long          string   `yaml:"long"`
	Short         string   `yaml:"short"`
	Factor        *float64 `yaml:"factor"`
	BudgetPercent *float64 `yaml:"budget_percent"`
}

type tracesSpec struct {
	TraceIDLabel string `yaml:"trace_id_label"`
	// Link is a preset (jaeger, tempo, zipkin, honeycomb) or a template.
	Link       string `yaml:"link"`
	URL        string `yaml:"url"`
	Datasource string `yaml:"datasource"`
}
