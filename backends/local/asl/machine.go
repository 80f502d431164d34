package asl

import (
	"fmt"
	"time"
)

// Machine is a parsed state machine, ready to run any number of times,
// concurrently too: it is never changed after Parse.
type Machine struct {
	root    *scope
	timeout time.Duration
}

// scope is a state machine, a Parallel branch or a Map's item processor.
type scope struct {
	start  string
	states map[string]*state
	mode   string // a Map's ProcessorConfig.Mode: INLINE or DISTRIBUTED
}

// Types of states.
const (
	typeTask     = "Task"
	typePass     = "Pass"
	typeChoice   = "Choice"
	typeWait     = "Wait"
	typeSucceed  = "Succeed"
	typeFail     = "Fail"
	typeParallel = "Parallel"
	typeMap      = "Map"
)

// state is one state of any type; the fields its type does not use stay
// empty.
type state struct {
	name, typ string
	where     string // its place in the machine, for errors: "shard.foreach/predict"
	next      string
	end       bool

	inputPath, outputPath optPath
	resultPath            optPath
	parameters, selector  expr
	result                any
	hasResult             bool

	resource string
	timeout  time.Duration
	retry    []retrier
	catch    []catcher

	choices []*rule
	dflt    string

	wait waitSpec

	errName, cause       string
	errorPath, causePath *path

	branches []*scope
	mapSpec  *mapSpec
}

// optPath is InputPath, OutputPath or ResultPath: absent means "$",
// null means none (an empty object for InputPath and OutputPath, the
// input unchanged for ResultPath).
type optPath struct {
	null bool
	p    *path // nil with null false: "$"
}

type retrier struct {
	errors      []string
	interval    float64
	maxAttempts int
	backoff     float64
	maxDelay    float64
	fullJitter  bool
}

type catcher struct {
	errors     []string
	next       string
	resultPath optPath
}

type waitSpec struct {
	seconds       float64
	hasSeconds    bool
	secondsPath   *path
	timestamp     time.Time
	hasTimestamp  bool
	timestampPath *path
}

// mapSpec is what a Map state adds.
type mapSpec struct {
	itemsPath      *path
	itemSelector   expr
	processor      *scope
	maxConcurrency int
	reader         *itemReader
	writer         *resultWriter
	batcher        *itemBatcher
	toleratedCount int // -1: not set
	toleratedPct   float64
	hasTolerance   bool
}

type itemReader struct {
	resource string
	params   expr
	format   string
}

type resultWriter struct{ params expr }

type itemBatcher struct {
	maxItems   int
	batchInput expr
}

// ParseError is a definition Parse refuses: Where names the state (with
// its enclosing Map and Parallel states) and Field the field at fault.
type ParseError struct {
	Where, Field, Msg string
}

// Error returns "asl: state WHERE: field FIELD: MSG".
func (e *ParseError) Error() string {
	switch {
	case e.Where == "" && e.Field == "":
		return "asl: " + e.Msg
	case e.Where == "":
		return fmt.Sprintf("asl: field %s: %s", e.Field, e.Msg)
	case e.Field == "":
		return fmt.Sprintf("asl: state %q: %s", e.Where, e.Msg)
	}
	return fmt.Sprintf("asl: state %q: field %s: %s", e.Where, e.Field, e.Msg)
}
