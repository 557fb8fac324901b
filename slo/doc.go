// Package slo holds the SLO spec model and its loader.
//
// Teams commit one YAML file of SLOs per team. The loader reads the native
// burnwatch/v1 format, designed for OpenTelemetry span metrics, and the
// formats of other SLO tools unchanged: Sloth's prometheus/v1 specs and
// PrometheusServiceLevel resources, OpenSLO v1 objects and Pyrra's
// ServiceLevelObjective. Every problem is reported as a Diagnostic that
// points at path:line:col, all problems of a file are reported, and one
// bad file never hides the others. NativeSpec writes loaded SLOs back as
// burnwatch/v1, and ExpandGroup splits a grouped SLO (group_by) into one
// SLO per group.
//
// The package does no I/O of its own beyond reading the fs.FS it is handed.
package slo
