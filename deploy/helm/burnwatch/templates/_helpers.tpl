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
