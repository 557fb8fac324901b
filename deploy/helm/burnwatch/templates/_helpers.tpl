{{/* The release's object name, at most 63 characters. */}}
{{- define "burnwatch.fullname" -}}
{{- if contains .Chart.Name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name .Chart.Name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}

{{- define "burnwatch.selectorLabels" -}}
app.kubernetes.io/name: {{ .Chart.Name }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{- define "burnwatch.labels" -}}
{{ include "burnwatch.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" }}
{{- end -}}

{{/* Whether the config stores the state in PostgreSQL. */}}
{{- define "burnwatch.postgres" -}}
{{- if dig "store" "postgres" "dsn" "" (.Values.config | default dict) -}}true{{- end -}}
{{- end -}}

{{/* burnwatch.yaml: the values' config over the chart's layout. */}}
{{- define "burnwatch.config" -}}
{{- $layout := dict "specs" (list "/etc/burnwatch/specs") "data_dir" "/var/lib/burnwatch" "listen_address" (printf "0.0.0.0:%d" (int .Values.service.port)) -}}
{{- toYaml (mustMergeOverwrite $layout (deepCopy (.Values.config | default dict))) -}}
{{- end -}}

{{/*
The spec ConfigMaps: those listed in specs.configMaps, then those of the
namespace carrying every label of specs.selector, sorted and without
repeats, as a list of names joined by commas.
*/}}
{{- define "burnwatch.specConfigMaps" -}}
{{- $names := list -}}
{{- range .Values.specs.configMaps -}}
{{- $names = append $names . -}}
{{- end -}}
{{- $sel := .Values.specs.selector | default dict -}}
{{- if $sel -}}
{{- $found := lookup "v1" "ConfigMap" .Release.Namespace "" -}}
{{- range ($found.items | default list) -}}
{{- $labels := .metadata.labels | default dict -}}
{{- $match := true -}}
{{- range $k, $v := $sel -}}
{{- if ne (toString (get $labels $k)) (toString $v) -}}{{- $match = false -}}{{- end -}}
{{- end -}}
{{- if $match -}}{{- $names = append $names .metadata.name -}}{{- end -}}
{{- end -}}
{{- end -}}
{{- $names | uniq | sortAlpha | join "," -}}
{{- end -}}

{{/*
GOMEMLIMIT for the container: goMemLimitRatio of resources.limits.memory
in whole MiB, or nothing when either is unset or env sets GOMEMLIMIT. The
limit is a Kubernetes quantity: bytes, with a decimal (k, M, G, T, P, E)
or binary (Ki … Ei) suffix, or an exponent (129e6).
*/}}
{{- define "burnwatch.goMemLimit" -}}
{{- $raw := dig "limits" "memory" "" (.Values.resources | default dict) -}}
{{- $ratio := float64 (.Values.goMemLimitRatio | default 0) -}}
{{- $own := false -}}
{{- range .Values.env -}}
{{- if eq (toString .name) "GOMEMLIMIT" -}}{{- $own = true -}}{{- end -}}
{{- end -}}
{{- if and $raw (gt $ratio 0.0) (not $own) -}}
{{- $bytes := 0.0 -}}
{{- if or (kindIs "float64" $raw) (kindIs "int64" $raw) (kindIs "int" $raw) -}}
{{- $bytes = float64 $raw -}}
{{- else -}}
{{- $q := toString $raw -}}
{{- if not (regexMatch "^[0-9]+(\\.[0-9]+)?(e[0-9]+|k|M|G|T|P|E|Ki|Mi|Gi|Ti|Pi|Ei)?$" $q) -}}
{{- fail (printf "resources.limits.memory %q is not a quantity of bytes the chart can read (such as 512Mi or 1G): set goMemLimitRatio to 0, or GOMEMLIMIT in env" $q) -}}
{{- end -}}
{{- $suffix := regexFind "(k|M|G|T|P|E|Ki|Mi|Gi|Ti|Pi|Ei)$" $q -}}
{{- $units := dict "" 1.0 "k" 1e3 "M" 1e6 "G" 1e9 "T" 1e12 "P" 1e15 "E" 1e18 "Ki" 1024.0 "Mi" 1048576.0 "Gi" 1073741824.0 "Ti" 1099511627776.0 "Pi" 1125899906842624.0 "Ei" 1152921504606846976.0 -}}
{{- $bytes = mulf (float64 (trimSuffix $suffix $q)) (get $units $suffix) -}}
{{- end -}}
{{- $mib := int64 (floor (divf (mulf $bytes $ratio) 1048576.0)) -}}
{{- if gt $mib 0 -}}{{- printf "%dMiB" $mib -}}{{- end -}}
{{- end -}}
{{- end -}}

{{/* Refuses values the daemon cannot run with. */}}
{{- define "burnwatch.checks" -}}
{{- if and (gt (int .Values.replicas) 1) (not (include "burnwatch.postgres" .)) -}}
{{- fail (printf "replicas is %d, but more than one replica needs PostgreSQL: set config.store.postgres.dsn (with the embedded store each replica would alert on its own)" (int .Values.replicas)) -}}
{{- end -}}
{{- if and (gt (int .Values.replicas) 1) .Values.persistence.enabled -}}
{{- fail "persistence.enabled shares one ReadWriteOnce claim between replicas: with PostgreSQL and more than one replica, leave persistence off" -}}
{{- end -}}
{{- range .Values.secrets -}}
{{- if not (and .name .secretName) -}}
{{- fail "every entry of secrets needs a name (its directory under /etc/burnwatch/secrets) and a secretName" -}}
{{- end -}}
{{- end -}}
{{- end -}}
