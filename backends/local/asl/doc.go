// Package asl interprets the Amazon States Language the compiler emits,
// so the local backend runs a pipeline's state machine on one machine:
// Task, Parallel, Map (inline and distributed), Choice, Pass, Succeed,
// Fail and Wait, with Retry, Catch, timeouts and input and output
// processing. Tasks and artifact-store access are delegated to the
// TaskRunner and Resources the caller provides.
//
// # Use
//
// Parse checks a definition once, reporting the state and field at
// fault; the Machine it returns runs any number of executions, also at
// once. Execute runs one to its end and returns its output, or the
// *Failure that ended it, with its history (a list of Event).
//
// # Semantics
//
// Behaviour follows the specification (states-language.net) and the
// Step Functions developer guide where the specification is silent:
//
//   - Input and output processing in the specification's order: InputPath,
//     Parameters (ItemSelector for a Map's iterations), the state's work,
//     ResultSelector, ResultPath (on the state's raw input; null keeps the
//     input, missing objects on the path are created), OutputPath. A null
//     InputPath or OutputPath gives {}.
//   - Paths are the subset of JSONPath ASL uses: "$" or "$$" (the context
//     object: Execution.Id, Name, Input, StartTime; State.Name,
//     EnteredTime, RetryCount; Map.Item.Index and Value in an
//     ItemSelector), ".name", "['name']", "[index]", and "[*]" or ".*"
//     outside reference paths. A path that matches nothing is
//     States.Runtime, which no Retry or Catch on States.ALL handles.
//   - Every intrinsic function of the language, States.Format to
//     States.UUID; bad arguments are States.IntrinsicFailure.
//   - Retry: IntervalSeconds (1), BackoffRate (2), MaxAttempts (3; 0
//     never retries), MaxDelaySeconds, JitterStrategy FULL (a uniform
//     draw below the delay). The first retrier matching an error decides;
//     each counts its own retries. States.TaskFailed matches every error
//     but States.Timeout. Waits go through Options.Sleep.
//   - A Task's TimeoutSeconds cancels the runner's context and fails the
//     task with States.Timeout, which Retry and Catch handle; uncaught, it
//     ends the execution FAILED (ExecutionFailed), as on AWS.
//     HeartbeatSeconds is ignored. Only the machine's own TimeoutSeconds
//     ends the execution TIMED_OUT (ExecutionTimedOut, States.Timeout).
//   - Parallel runs its branches at once; the first failure cancels the
//     others and is the state's. A cancelled task is neither failed nor
//     retried.
//   - Map runs at most MaxConcurrency iterations at once; 0 means 40 for
//     an inline Map (Step Functions' own limit) and 1000 for a
//     distributed one. A distributed Map reads its items through
//     Resources.ReadItems and hands its results to Resources.WriteResults;
//     its iterations run in this execution's history, not as child
//     executions, but their context object's Execution is a child's: its
//     Input is the iteration's input (Name and StartTime are made up
//     locally). A failed iteration fails the Map with its
//     error and cancels the others; with ToleratedFailureCount or
//     ToleratedFailurePercentage, failures are counted, the Map fails with
//     States.ExceedToleratedFailureThreshold once either is exceeded, and
//     a failed iteration's result is its {"Error", "Cause"}. ItemBatcher
//     groups items into {"Items": [...], "BatchInput": ...}.
//
// # Cost
//
// A state transition costs a few microseconds and a few allocations,
// history included (BenchmarkTransition). Values are decoded once and
// never changed in place, so branches and iterations share their input,
// and the text of large data is encoded once per execution and shared by
// the events that carry it.
package asl
