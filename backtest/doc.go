// Package backtest replays SLO alert policies over history: the alerts a
// set of specs would have raised over a past range, evaluated by the
// daemon's own engine (burnrate.Evaluator, then alerting.Lifecycle for
// opening, escalating and resolving incidents), one evaluation per step on
// simulated time. It also compares two spec trees (Diff): the SLOs added,
// removed and changed, and the alerts a change makes appear or disappear.
//
// A replay of a month at the evaluation interval asks the Evaluator tens
// of thousands of instant queries per SLO. Prefetch answers them from
// range queries, each fetched once over many steps, so that a month of 100
// SLOs takes seconds of Prometheus time rather than hours.
package backtest
