// Package queuelatency measures a queue message's end-to-end latency as a
// span, so that the span metrics the OpenTelemetry Collector's spanmetrics
// connector (or Tempo's metrics-generator) derive from it hold the latency
// an SLO such as "a message is processed within 2 seconds of the start of
// its trace" needs, with exemplars that link to the message's trace.
//
// The trace's start time travels in the W3C tracestate, under the vendor key
// "bw", as "bw=t:<unix nanoseconds>". A producer calls Stamp before it
// injects the trace context into a message: the stamp is added unless the
// trace already carries one, so the first producer's start time crosses
// every later hop (an HTTP call, another queue) untouched. A consumer
// extracts the trace context from the message and calls StartConsumer,
// which starts a SPAN_KIND_CONSUMER span at the stamped start time: that
// span's duration is the latency from the start of the trace to the end of
// the processing.
//
// The start time comes from the producer's clock and the end time from the
// consumer's: clock skew between them adds to (or, up to the present,
// subtracts from) the measured latency. A stamp later than the consumer's
// clock is taken as now.
package queuelatency
