package sfnfake

// Outcome scripts how an execution of a given name runs, since the fake
// runs no task: what each Task state's attempts return, how many items
// each Map state iterates over, which way each Choice goes, and how the
// execution ends.
type Outcome struct {
	// Tasks lists, per Task state name, the result of each attempt in
	// order: every attempt but the last must fail (a retry), the last
	// decides. A Task state missing here succeeds at once with "{}".
	// Inside a Map state the same script applies to every iteration.
	Tasks map[string][]Attempt
	// Items is how many iterations each Map state runs (default 2).
	Items map[string]int
	// Choices names, per Choice state, the state it goes to (default: its
	// Default, else its first rule's Next).
	Choices map[string]string
	// Error and Cause, when Error is set, replace those of the state that
	// failed the execution, as a Catch-less failure propagates them.
	Error, Cause string
	// Output is a succeeded execution's output (default: its input).
	Output string
}

// Attempt is the result of one attempt of a Task state: it fails when
// Error is set (recorded as TaskTimedOut for States.Timeout, as AWS
// records a task that outlived its TimeoutSeconds, else TaskFailed), and
// succeeds with Output (default "{}") otherwise.
type Attempt struct {
	Output       string
	Error, Cause string
}

// ScriptExecution sets how executions named name run from now on, on
// any state machine. An execution without a script runs every Task state
// once, successfully, and every Map state over two items.
func (s *Server) ScriptExecution(name string, o Outcome) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.scripts == nil {
		s.scripts = map[string]Outcome{}
	}
	s.scripts[name] = o
}

// attempts returns the scripted attempts of the Task state name.
func (o Outcome) attempts(name string) []Attempt {
	if a := o.Tasks[name]; len(a) > 0 {
		return a
	}
	return []Attempt{{}}
}

// items returns how many iterations the Map state name runs.
func (o Outcome) items(name string) int {
	if n, ok := o.Items[name]; ok {
		return n
	}
	return 2
}
