package helmtest

import (
	"strings"
	"testing"
)

// goMemLimit returns the values of GOMEMLIMIT in the rendered container's
// environment, in order.
func goMemLimit(t *testing.T, objects []object) []string {
	t.Helper()
	var d struct {
		Spec struct {
			Template struct {
				Spec struct {
					Containers []struct {
						Env []struct {
							Name  string `yaml:"name"`
							Value string `yaml:"value"`
						} `yaml:"env"`
					} `yaml:"containers"`
				} `yaml:"spec"`
			} `yaml:"template"`
		} `yaml:"spec"`
	}
	find(t, objects, "Deployment").decode(t, &d)
	var out []string
	for _, c := range d.Spec.Template.Spec.Containers {
		for _, e := range c.Env {
			if e.Name == "GOMEMLIMIT" {
				out = append(out, e.Value)
			}
		}
	}
	return out
}

func TestGOMEMLIMITIsAShareOfTheContainersMemoryLimit(t *testing.T) {
	for _, c := range []struct {
		name string
		args []string
		want string
	}{
		{"The default 512Mi limit gives 90% of it, rounded down to whole MiB.", nil, "460MiB"},
		{"A binary suffix is read.", []string{"--set", "resources.limits.memory=2Gi"}, "1843MiB"},
		{"A fraction with a binary suffix is read.", []string{"--set-string", "resources.limits.memory=1.5Gi"}, "1382MiB"},
		{"A decimal suffix is read.", []string{"--set", "resources.limits.memory=1G"}, "858MiB"},
		{"Bytes written as a number are read.", []string{"--set", "resources.limits.memory=536870912"}, "460MiB"},
		{"Bytes written with an exponent are read.", []string{"--set-string", "resources.limits.memory=129e6"}, "110MiB"},
		{"Another share is honoured.", []string{"--set", "goMemLimitRatio=0.5"}, "256MiB"},
		{"A share of 0 sets none.", []string{"--set", "goMemLimitRatio=0"}, ""},
		{"No memory limit sets none.", []string{"--set", "resources.limits=null"}, ""},
		{"A GOMEMLIMIT of the user's own in env is the only one.", []string{"--set", "env[0].name=GOMEMLIMIT,env[0].value=300MiB"}, "300MiB"},
	} {
		t.Run(c.name, func(t *testing.T) {
			got := goMemLimit(t, mustRender(t, c.args...))
			var want []string
			if c.want != "" {
				want = []string{c.want}
			}
			if strings.Join(got, ",") != strings.Join(want, ",") || len(got) != len(want) {
				t.Errorf("GOMEMLIMIT %q, want %q", got, want)
			}
		})
	}
}

func TestAMemoryLimitTheChartCannotReadIsRefused(t *testing.T) {
	_, err := render(t, "--set-string", "resources.limits.memory=lots")
	if want := `resources.limits.memory "lots" is not a quantity`; err == nil || !strings.Contains(err.Error(), want) {
		t.Errorf("helm template: %v, want an error saying %q", err, want)
	}
}
