// Package transport is the HTTP delivery every burnwatch receiver shares
// (slack, pagerduty, webhook, alertmanager): a Sender that posts one JSON
// document with the caller's context and a timeout, classifies the answer
// as success, retryable or final failure, reads Retry-After, caps what it
// sends and quotes, and removes the receiver's own secrets (a webhook URL,
// a routing key, tokens, basic-auth forms) from every error it returns.
//
// Classification, the way the alerting contract needs it:
//
//   - a 2xx status is success;
//   - a 429 or 503 with a Retry-After header (delta-seconds or an
//     HTTP-date) is retryable and wraps an [*alerting.RetryAfterError];
//   - any other 5xx, a 429, a 408 and a transport failure (timeout,
//     refused connection, cancelled context) are retryable;
//   - every other status is final, and so is a body over the endpoint's
//     size limit.
//
// It also holds what the receivers' bodies share: JSON encoding without
// HTML escaping, and Number, a float that encodes a value that is not
// finite as null and prints at most ten significant digits, so that an
// objective written as 99.9 reads 0.999, never 0.9990000000000001.
package transport
