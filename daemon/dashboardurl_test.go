package daemon

import (
	"net/url"
	"testing"
)

func TestDashboardURLKeepsEveryCharacterOfTheSLOId(t *testing.T) {
	tests := []struct {
		name, external, id, want string
	}{
		{"a plain id below the root", "https://burnwatch.example.com", "checkout/requests-latency", "https://burnwatch.example.com/slo/checkout/requests-latency"},
		{"a plain id below a path prefix", "https://example.com/burnwatch/", "checkout/requests-latency", "https://example.com/burnwatch/slo/checkout/requests-latency"},
		{"a group value ending in a slash", "https://example.com/burnwatch", "checkout/requests-latency/GET /", "https://example.com/burnwatch/slo/checkout/requests-latency/GET%20%2F"},
		{"a group value that is a slash", "https://example.com", "checkout/requests-latency//", "https://example.com/slo/checkout/requests-latency/%2F"},
		{"a group value with a percent sign", "https://example.com", "checkout/requests-latency/100% done", "https://example.com/slo/checkout/requests-latency/100%25%20done"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := dashboardURL(tt.external)(tt.id)
			if got != tt.want {
				t.Errorf("dashboard URL %q, want %q", got, tt.want)
			}
			u, err := url.Parse(got)
			if err != nil {
				t.Fatal(err)
			}
			base, _ := url.Parse(tt.external)
			prefix := base.Path
			if prefix != "" && prefix[len(prefix)-1] == '/' {
				prefix = prefix[:len(prefix)-1]
			}
			if want := prefix + "/slo/" + tt.id; u.Path != want {
				t.Errorf("the link's path unescapes to %q, want %q", u.Path, want)
			}
		})
	}
}
