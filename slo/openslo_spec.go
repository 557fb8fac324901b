package slo

// The OpenSLO v1 objects as they are written in YAML, after the
// specification's README (github.com/OpenSLO/OpenSLO, apiVersion openslo/v1).
// The Go module published with the specification's tooling (OpenSLO/oslo)
// lags the specification (no targetPercent, no inline alert policies, no
// raw ratio metrics), so these types follow the text instead; openslo.go
// turns them into SLOs.

// OpenSLOVersion is the apiVersion of OpenSLO v1 documents.
const OpenSLOVersion = "openslo/v1"

// The OpenSLO kinds burnwatch reads.
const (
	opensloSLO            = "SLO"
	opensloSLI            = "SLI"
	opensloAlertPolicy    = "AlertPolicy"
	opensloAlertCondition = "AlertCondition"
	opensloTarget         = "AlertNotificationTarget"
	opensloDataSource     = "DataSource"
	opensloService        = "Service"
)

// opensloHeader is what every OpenSLO object starts with.
type opensloHeader struct {
	APIVersion string          `yaml:"apiVersion"`
	Kind       string          `yaml:"kind"`
	Metadata   opensloMetadata `yaml:"metadata"`
}

type opensloMetadata struct {
	Name        string `yaml:"name"`
	DisplayName string `yaml:"displayName"`
	// Labels' values are a string or a list of strings.
	Labels      map[string]any    `yaml:"labels"`
	Annotations map[string]string `yaml:"annotations"`
}

type opensloSLODoc struct {
	Header opensloHeader  `yaml:",inline"`
	Spec   opensloSLOSpec `yaml:"spec"`
}

type opensloSLOSpec struct {
	Description     string               `yaml:"description"`
	Service         string               `yaml:"service"`
	Indicator       *opensloInlineSLI    `yaml:"indicator"`
	IndicatorRef    string               `yaml:"indicatorRef"`
	TimeWindow      []opensloTimeWindow  `yaml:"timeWindow"`
	BudgetingMethod string               `yaml:"budgetingMethod"`
	Objectives      []opensloObjective   `yaml:"objectives"`
	AlertPolicies   []opensloPolicyEntry `yaml:"alertPolicies"`
}

type opensloInlineSLI struct {
	Metadata opensloMetadata `yaml:"metadata"`
	Spec     opensloSLISpec  `yaml:"spec"`
}

type opensloSLIDoc struct {
	Header opensloHeader  `yaml:",inline"`
	Spec   opensloSLISpec `yaml:"spec"`
}

type opensloSLISpec struct {
	Description     string               `yaml:"description"`
	ThresholdMetric *opensloMetricHolder `yaml:"thresholdMetric"`
	RatioMetric     *opensloRatioMetric  `yaml:"ratioMetric"`
}

type opensloRatioMetric struct {
	Counter *bool                `yaml:"counter"`
	Good    *opensloMetricHolder `yaml:"good"`
	Bad     *opensloMetricHolder `yaml:"bad"`
	Total   *opensloMetricHolder `yaml:"total"`
	RawType string               `yaml:"rawType"`
	Raw     *opensloMetricHolder `yaml:"raw"`
}

type opensloMetricHolder struct {
	MetricSource opensloMetricSource `yaml:"metricSource"`
}

type opensloMetricSource struct {
	MetricSourceRef string `yaml:"metricSourceRef"`
	Type            string `yaml:"type"`
	// Spec holds the source's own fields; a Prometheus source's is query.
	Spec map[string]any `yaml:"spec"`
}

type opensloTimeWindow struct {
	Duration  string           `yaml:"duration"`
	IsRolling *bool            `yaml:"isRolling"`
	Calendar  *opensloCalendar `yaml:"calendar"`
}

type opensloCalendar struct {
	StartTime string `yaml:"startTime"`
	TimeZone  string `yaml:"timeZone"`
}

type opensloObjective struct {
	DisplayName     string            `yaml:"displayName"`
	Op              string            `yaml:"op"`
	Value           *float64          `yaml:"value"`
	Target          *float64          `yaml:"target"`
	TargetPercent   *float64          `yaml:"targetPercent"`
	TimeSliceTarget *float64          `yaml:"timeSliceTarget"`
	TimeSliceWindow any               `yaml:"timeSliceWindow"`
	Indicator       *opensloInlineSLI `yaml:"indicator"`
	IndicatorRef    string            `yaml:"indicatorRef"`
	CompositeWeight *float64          `yaml:"compositeWeight"`
}

// opensloPolicyEntry is an SLO's alert policy: a reference or inline.
type opensloPolicyEntry struct {
	AlertPolicyRef string             `yaml:"alertPolicyRef"`
	APIVersion     string             `yaml:"apiVersion"`
	Kind           string             `yaml:"kind"`
	Metadata       opensloMetadata    `yaml:"metadata"`
	Spec           *opensloPolicySpec `yaml:"spec"`
}

type opensloPolicyDoc struct {
	Header opensloHeader     `yaml:",inline"`
	Spec   opensloPolicySpec `yaml:"spec"`
}

type opensloPolicySpec struct {
	Description         string                `yaml:"description"`
	AlertWhenNoData     bool                  `yaml:"alertWhenNoData"`
	AlertWhenResolved   bool                  `yaml:"alertWhenResolved"`
	AlertWhenBreaching  *bool                 `yaml:"alertWhenBreaching"`
	Conditions          []opensloConditionRef `yaml:"conditions"`
	NotificationTargets []opensloTargetRef    `yaml:"notificationTargets"`
}

// opensloConditionRef is a policy's condition: a reference or inline.
type opensloConditionRef struct {
	ConditionRef string                `yaml:"conditionRef"`
	APIVersion   string                `yaml:"apiVersion"`
	Kind         string                `yaml:"kind"`
	Metadata     opensloMetadata       `yaml:"metadata"`
	Spec         *opensloConditionSpec `yaml:"spec"`
}

type opensloConditionDoc struct {
	Header opensloHeader        `yaml:",inline"`
	Spec   opensloConditionSpec `yaml:"spec"`
}

type opensloConditionSpec struct {
	Description string           `yaml:"description"`
	Severity    string           `yaml:"severity"`
	Condition   opensloCondition `yaml:"condition"`
}

type opensloCondition struct {
	Kind           string   `yaml:"kind"`
	Op             string   `yaml:"op"`
	Threshold      *float64 `yaml:"threshold"`
	LookbackWindow string   `yaml:"lookbackWindow"`
	AlertAfter     string   `yaml:"alertAfter"`
}

// opensloTargetRef is a policy's notification target: a reference or
// inline.
type opensloTargetRef struct {
	TargetRef  string             `yaml:"targetRef"`
	APIVersion string             `yaml:"apiVersion"`
	Kind       string             `yaml:"kind"`
	Metadata   opensloMetadata    `yaml:"metadata"`
	Spec       *opensloTargetSpec `yaml:"spec"`
}

type opensloTargetDoc struct {
	Header opensloHeader     `yaml:",inline"`
	Spec   opensloTargetSpec `yaml:"spec"`
}

type opensloTargetSpec struct {
	Target      string `yaml:"target"`
	Description string `yaml:"description"`
}

type opensloDataSourceDoc struct {
	Header opensloHeader `yaml:",inline"`
	Spec   struct {
		Description       string `yaml:"description"`
		Type              string `yaml:"type"`
		ConnectionDetails any    `yaml:"connectionDetails"`
	} `yaml:"spec"`
}

type opensloServiceDoc struct {
	Header opensloHeader `yaml:",inline"`
	Spec   struct {
		Description string `yaml:"description"`
	} `yaml:"spec"`
}
