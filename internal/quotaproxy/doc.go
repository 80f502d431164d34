// Package quotaproxy is an HTTP reverse proxy that stands in front of an
// AWS endpoint (an emulator or a fake) and enforces AWS's default
// control-plane request quotas the way AWS does: one token bucket per
// (service, operation), refilled at the documented rate up to the
// documented burst. A request that finds its bucket empty is answered
// with the service's throttling error in its wire format and is not
// forwarded, so it changes nothing upstream. The proxy counts, per
// operation, the requests it passed and the ones it throttled.
//
// It exists to measure Sluice against the physical limit of an AWS
// account: how many calls an apply or a drift check makes, whether any
// of them is throttled, and how close the wall time comes to the
// minimum the quotas allow.
package quotaproxy
