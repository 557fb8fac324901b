// Package rulesdiff holds the differential test of the rules that
// `burnwatch rules` exports against burnwatch itself: on the same history
// in a real Prometheus, the exported recording and alerting rules,
// evaluated by Prometheus, must make the same page and ticket decisions as
// burnwatch evaluating the same specs.
package rulesdiff
