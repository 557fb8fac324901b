package helmtest

import (
	"path"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// deployment is the part of a rendered Deployment the tests look at.
type deployment struct {
	Spec struct {
		Replicas int `yaml:"replicas"`
		Strategy struct {
			Type string `yaml:"type"`
		} `yaml:"strategy"`
		Template struct {
			Spec podSpec `yaml:"spec"`
		} `yaml:"template"`
	} `yaml:"spec"`
}

type podSpec struct {
	AutomountServiceAccountToken *bool `yaml:"automountServiceAccountToken"`
	SecurityContext              struct {
		RunAsNonRoot *bool `yaml:"runAsNonRoot"`
		RunAsUser    int64 `yaml:"runAsUser"`
		FSGroup      int64 `yaml:"fsGroup"`
	} `yaml:"securityContext"`
	Containers []container `yaml:"containers"`
	Volumes    []volume    `yaml:"volumes"`
}

type container struct {
	Image           string   `yaml:"image"`
	Args            []string `yaml:"args"`
	SecurityContext struct {
		RunAsNonRoot             *bool `yaml:"runAsNonRoot"`
		RunAsUser                int64 `yaml:"runAsUser"`
		ReadOnlyRootFilesystem   bool  `yaml:"readOnlyRootFilesystem"`
		AllowPrivilegeEscalation *bool `yaml:"allowPrivilegeEscalation"`
		Capabilities             struct {
			Drop []string `yaml:"drop"`
		} `yaml:"capabilities"`
	} `yaml:"securityContext"`
	Ports []struct {
		Name          string `yaml:"name"`
		ContainerPort int    `yaml:"containerPort"`
	} `yaml:"ports"`
	LivenessProbe  probe         `yaml:"livenessProbe"`
	ReadinessProbe probe         `yaml:"readinessProbe"`
	VolumeMounts   []volumeMount `yaml:"volumeMounts"`
}

type probe struct {
	HTTPGet struct {
		Path string `yaml:"path"`
		Port string `yaml:"port"`
	} `yaml:"httpGet"`
}

type volumeMount struct {
	Name      string `yaml:"name"`
	MountPath string `yaml:"mountPath"`
	ReadOnly  bool   `yaml:"readOnly"`
}

type volume struct {
	Name      string `yaml:"name"`
	ConfigMap *struct {
		Name string `yaml:"name"`
	} `yaml:"configMap"`
	Secret *struct {
		SecretName string `yaml:"secretName"`
	} `yaml:"secret"`
	EmptyDir              *map[string]any `yaml:"emptyDir"`
	PersistentVolumeClaim *struct {
		ClaimName string `yaml:"claimName"`
	} `yaml:"persistentVolumeClaim"`
}

// burnwatchContainer returns the Deployment and its only container.
func burnwatchContainer(t *testing.T, objects []object) (deployment, container) {
	t.Helper()
	var d deployment
	find(t, objects, "Deployment").decode(t, &d)
	if n := len(d.Spec.Template.Spec.Containers); n != 1 {
		t.Fatalf("the pod has %d containers, want 1", n)
	}
	return d, d.Spec.Template.Spec.Containers[0]
}

// mounts maps every mount path of c to the volume mounted there.
func mounts(t *testing.T, d deployment, c container) map[string]volume {
	t.Helper()
	out := map[string]volume{}
	for _, m := range c.VolumeMounts {
		i := slices.IndexFunc(d.Spec.Template.Spec.Volumes, func(v volume) bool { return v.Name == m.Name })
		if i < 0 {
			t.Fatalf("the mount at %s names volume %q, which the pod does not have", m.MountPath, m.Name)
		}
		out[m.MountPath] = d.Spec.Template.Spec.Volumes[i]
	}
	return out
}

func TestTheChartLints(t *testing.T) {
	for _, c := range []struct {
		name string
		args []string
	}{
		{"The default values lint.", nil},
		{"Teams' specs, secrets and a ServiceMonitor lint.", []string{"--values", "testdata/values.yaml"}},
		{"Three replicas on PostgreSQL lint.", []string{"--values", "testdata/ha-values.yaml"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			if out, err := runHelm(t, append([]string{"lint", "--strict", chartDir}, c.args...)...); err != nil {
				t.Fatalf("%v\n%s", err, out)
			}
		})
	}
}

func TestTheDefaultValuesRunOneHardenedReplicaOnTheEmbeddedStore(t *testing.T) {
	objects := mustRender(t)
	if got, want := kinds(objects), []string{"PodDisruptionBudget", "ConfigMap", "Service", "Deployment"}; !slices.Equal(got, want) {
		t.Errorf("rendered %v, want %v", got, want)
	}
	d, c := burnwatchContainer(t, objects)
	if d.Spec.Replicas != 1 || d.Spec.Strategy.Type != "Recreate" {
		t.Errorf("%d replicas with strategy %q, want 1 with Recreate so that two pods never alert at once", d.Spec.Replicas, d.Spec.Strategy.Type)
	}
	pod := d.Spec.Template.Spec
	if pod.SecurityContext.RunAsNonRoot == nil || !*pod.SecurityContext.RunAsNonRoot || pod.SecurityContext.RunAsUser != 65532 || pod.SecurityContext.FSGroup != 65532 {
		t.Errorf("pod securityContext %+v, want runAsNonRoot as UID 65532 with fsGroup 65532", pod.SecurityContext)
	}
	if pod.AutomountServiceAccountToken == nil || *pod.AutomountServiceAccountToken {
		t.Error("the pod mounts a service account token it does not use")
	}
	sc := c.SecurityContext
	if sc.RunAsNonRoot == nil || !*sc.RunAsNonRoot || sc.RunAsUser != 65532 || !sc.ReadOnlyRootFilesystem ||
		sc.AllowPrivilegeEscalation == nil || *sc.AllowPrivilegeEscalation || !slices.Equal(sc.Capabilities.Drop, []string{"ALL"}) {
		t.Errorf("container securityContext %+v, want non-root UID 65532, a read-only root, no privilege escalation, all capabilities dropped", sc)
	}
	if c.LivenessProbe.HTTPGet.Path != "/healthz" || c.LivenessProbe.HTTPGet.Port != "http" {
		t.Errorf("liveness probe %+v, want /healthz on port http", c.LivenessProbe.HTTPGet)
	}
	if c.ReadinessProbe.HTTPGet.Path != "/readyz" || c.ReadinessProbe.HTTPGet.Port != "http" {
		t.Errorf("readiness probe %+v, want /readyz on port http", c.ReadinessProbe.HTTPGet)
	}
	if !strings.HasSuffix(c.Image, ":0.1.0") {
		t.Errorf("image %q, want the chart's appVersion as its tag", c.Image)
	}
	m := mounts(t, d, c)
	if v := m["/var/lib/burnwatch"]; v.EmptyDir == nil {
		t.Errorf("/var/lib/burnwatch is %+v, want an emptyDir", v)
	}
	if v := m["/tmp"]; v.EmptyDir == nil {
		t.Errorf("/tmp is %+v, want an emptyDir on a read-only root", v)
	}
	var pdb struct {
		Spec struct {
			MaxUnavailable int `yaml:"maxUnavailable"`
		} `yaml:"spec"`
	}
	find(t, objects, "PodDisruptionBudget").decode(t, &pdb)
	if pdb.Spec.MaxUnavailable != 1 {
		t.Errorf("the PodDisruptionBudget allows %d unavailable, want 1 (a single replica must not block node drains)", pdb.Spec.MaxUnavailable)
	}
}

func TestTeamsSpecConfigMapsAndSecretsAreMountedWhereTheConfigReadsThem(t *testing.T) {
	objects := mustRender(t, "--values", "testdata/values.yaml")
	d, c := burnwatchContainer(t, objects)
	cfg := renderedConfig(t, objects)
	m := mounts(t, d, c)

	configPath := c.Args[slices.Index(c.Args, "--config")+1]
	if !slices.Equal(c.Args[:1], []string{"run"}) || m[path.Dir(configPath)].ConfigMap == nil ||
		m[path.Dir(configPath)].ConfigMap.Name != find(t, objects, "ConfigMap").Metadata.Name {
		t.Errorf("args %v: the config is not the chart's ConfigMap, mounted at %s", c.Args, path.Dir(configPath))
	}
	// One volume per team, each in its own directory below a spec
	// directory of the config, the same ConfigMap once.
	var teams []string
	for at, v := range m {
		if v.ConfigMap == nil || !strings.HasPrefix(at, "/etc/burnwatch/specs/") {
			continue
		}
		if path.Base(at) != v.ConfigMap.Name {
			t.Errorf("ConfigMap %s is mounted at %s, not in a directory of its name", v.ConfigMap.Name, at)
		}
		if !slices.ContainsFunc(cfg.Specs, func(dir string) bool { return strings.HasPrefix(at, dir+"/") }) {
			t.Errorf("the specs at %s are below none of the config's spec directories %v", at, cfg.Specs)
		}
		teams = append(teams, v.ConfigMap.Name)
	}
	slices.Sort(teams)
	if want := []string{"checkout-slos", "payments-slos"}; !slices.Equal(teams, want) {
		t.Errorf("spec ConfigMaps mounted: %v, want %v", teams, want)
	}
	for name, secretName := range map[string]string{"pagerduty": "burnwatch-pagerduty", "slack": "burnwatch-slack", "web": "burnwatch-web"} {
		v := m["/etc/burnwatch/secrets/"+name]
		if v.Secret == nil || v.Secret.SecretName != secretName {
			t.Errorf("/etc/burnwatch/secrets/%s is %+v, want Secret %s", name, v, secretName)
		}
	}
	if v := m[cfg.DataDir]; v.EmptyDir == nil && v.PersistentVolumeClaim == nil {
		t.Errorf("the config's data_dir %s is not a volume", cfg.DataDir)
	}
	if port := c.Ports[0]; !strings.HasSuffix(cfg.ListenAddress, ":"+strconv.Itoa(port.ContainerPort)) || !strings.HasPrefix(cfg.ListenAddress, "0.0.0.0:") {
		t.Errorf("the config listens on %s, the container port is %d", cfg.ListenAddress, port.ContainerPort)
	}

	var sm struct {
		Metadata struct {
			Labels map[string]string `yaml:"labels"`
		} `yaml:"metadata"`
		Spec struct {
			Selector struct {
				MatchLabels map[string]string `yaml:"matchLabels"`
			} `yaml:"selector"`
			Endpoints []struct {
				Port string `yaml:"port"`
				Path string `yaml:"path"`
			} `yaml:"endpoints"`
		} `yaml:"spec"`
	}
	find(t, objects, "ServiceMonitor").decode(t, &sm)
	if len(sm.Spec.Endpoints) != 1 || sm.Spec.Endpoints[0].Port != "http" || sm.Spec.Endpoints[0].Path != "/metrics" {
		t.Errorf("ServiceMonitor endpoints %+v, want /metrics on port http", sm.Spec.Endpoints)
	}
	if sm.Metadata.Labels["release"] != "prometheus" {
		t.Errorf("ServiceMonitor labels %v lack the configured release: prometheus", sm.Metadata.Labels)
	}
	svc := find(t, objects, "Service")
	for k, v := range sm.Spec.Selector.MatchLabels {
		if svc.Metadata.Labels[k] != v {
			t.Errorf("the ServiceMonitor selects %s=%s, which the Service does not carry", k, v)
		}
	}
}

func TestThreeReplicasOnPostgreSQLRollOneAtATime(t *testing.T) {
	objects := mustRender(t, "--values", "testdata/ha-values.yaml")
	d, c := burnwatchContainer(t, objects)
	if d.Spec.Replicas != 3 || d.Spec.Strategy.Type != "RollingUpdate" {
		t.Errorf("%d replicas with strategy %q, want 3 rolling", d.Spec.Replicas, d.Spec.Strategy.Type)
	}
	if slices.Contains(kinds(objects), "PersistentVolumeClaim") {
		t.Error("a PersistentVolumeClaim is rendered for replicas that keep their state in PostgreSQL")
	}
	cfg := renderedConfig(t, objects)
	if cfg.Store.Postgres.DSN.File != "/etc/burnwatch/secrets/postgres/dsn" {
		t.Errorf("store.postgres.dsn is %+v in the rendered config", cfg.Store.Postgres.DSN)
	}
	if v := mounts(t, d, c)[path.Dir(cfg.Store.Postgres.DSN.File)]; v.Secret == nil || v.Secret.SecretName != "burnwatch-postgres" {
		t.Errorf("the DSN's directory is %+v, want Secret burnwatch-postgres", v)
	}
}

func TestPersistenceKeepsTheDataDirectoryOnAClaim(t *testing.T) {
	for _, c := range []struct {
		name      string
		args      []string
		wantClaim string
		wantPVC   bool
	}{
		{"The chart's own claim.", []string{"--set", "persistence.enabled=true"}, "burnwatch-data", true},
		{"An existing claim.", []string{"--set", "persistence.enabled=true", "--set", "persistence.existingClaim=state"}, "state", false},
	} {
		t.Run(c.name, func(t *testing.T) {
			objects := mustRender(t, c.args...)
			d, ctr := burnwatchContainer(t, objects)
			v := mounts(t, d, ctr)["/var/lib/burnwatch"]
			if v.PersistentVolumeClaim == nil || v.PersistentVolumeClaim.ClaimName != c.wantClaim {
				t.Errorf("/var/lib/burnwatch is %+v, want claim %s", v, c.wantClaim)
			}
			if has := slices.Contains(kinds(objects), "PersistentVolumeClaim"); has != c.wantPVC {
				t.Errorf("a PersistentVolumeClaim rendered: %v, want %v", has, c.wantPVC)
			}
			if c.wantPVC && find(t, objects, "PersistentVolumeClaim").Metadata.Name != c.wantClaim {
				t.Errorf("the claim rendered is not the one mounted")
			}
		})
	}
}

func TestTheChartRefusesWhatTheDaemonCannotRun(t *testing.T) {
	for _, c := range []struct {
		name string
		args []string
		want string
	}{
		{"Two replicas on the embedded store are refused.", []string{"--set", "replicas=2"}, "more than one replica needs PostgreSQL"},
		{"Replicas sharing one claim are refused.", []string{"--values", "testdata/ha-values.yaml", "--set", "persistence.enabled=true"}, "persistence.enabled shares one ReadWriteOnce claim"},
		{"A secret without a Secret is refused.", []string{"--set", "secrets[0].name=pagerduty"}, "needs a name"},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := render(t, c.args...)
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Errorf("helm template %v: %v, want an error saying %q", c.args, err, c.want)
			}
		})
	}
}
