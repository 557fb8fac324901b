// Package slothdiff holds the differential test of burnwatch against Sloth:
// for the same Sloth spec, on the same history in a real Prometheus,
// burnwatch's page and ticket decisions must equal those of the rules that
// Sloth v0.16.0 generates, evaluated by Prometheus.
//
// testdata/sloth.rules.yml is Sloth's output for testdata/sloth.yml,
// written by the generator in ../slothrules (a module of its own):
//
//	go generate ./bench/slothdiff
package slothdiff

//go:generate go -C ../slothrules run . -out ../slothdiff/testdata ../slothdiff/testdata/sloth.yml
