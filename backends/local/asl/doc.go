// Package asl interprets the Amazon States Language the compiler emits,
// so the local backend runs a pipeline's state machine on one machine:
// Task, Parallel, Map (inline and distributed), Choice, Pass, Succeed,
// Fail and Wait, with Retry, Catch, timeouts and input and output
// processing. Tasks and artifact-store access are delegated to the
// TaskRunner and Resources the caller provides.
package asl
