package local

import (
	"bytes"
	"io"
	"sync"
)

// maxLogLine is how much of a line without its end a job's log filter
// holds before writing part of it: a line is masked whole, so that a
// secret split across two writes of the step is still found.
const maxLogLine = 64 << 10

// redactWriter masks secrets (Options.Redact) in what a job writes before
// it reaches the job's log file. It writes line by line, a line once
// complete, so that a secret a step prints in pieces is masked whole; a
// line longer than maxLogLine is written in parts, each cut at least
// 4 KiB before the end of what is held and where no secret spans the
// cut (so a secret shorter than 4 KiB is masked wherever it falls).
// Close writes what is left.
type redactWriter struct {
	mu     sync.Mutex
	w      io.Writer
	redact func(string) string
	buf    []byte
	err    error
}

// newRedactWriter returns w itself when redact is nil.
func newRedactWriter(w io.Writer, redact func(string) string) io.WriteCloser {
	if redact == nil {
		return nopCloser{w}
	}
	return &redactWriter{w: w, redact: redact}
}

type nopCloser struct{ io.Writer }

func (nopCloser) Close() error { return nil }

// Write takes p whole: a failure to write the log is returned by Close
// (a step's output must not fail because its log could not be written).
func (f *redactWriter) Write(p []byte) (int, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	held := len(f.buf)
	f.buf = append(f.buf, p...)
	if i := bytes.LastIndexByte(p, '\n'); i >= 0 {
		i += held
		f.emit(f.buf[:i+1])
		f.buf = append(f.buf[:0], f.buf[i+1:]...)
	}
	if len(f.buf) > maxLogLine {
		if cut := f.safeCut(); cut > 0 {
			f.emit(f.buf[:cut])
			f.buf = append(f.buf[:0], f.buf[cut:]...)
		}
	}
	if len(f.buf) > 16*maxLogLine {
		// No cut was safe in a megabyte: write it masked whole. Only a
		// secret spanning this point and what follows can escape.
		f.emit(f.buf)
		f.buf = f.buf[:0]
	}
	return len(p), nil
}

// safeCut returns where the held text can be cut with every secret in
// it masked as in the whole text, 0 when none of the tried places is.
func (f *redactWriter) safeCut() int {
	whole := f.redact(string(f.buf))
	for cut := len(f.buf) - 4<<10; cut >= len(f.buf)/2; cut -= 4 << 10 {
		if f.redact(string(f.buf[:cut]))+f.redact(string(f.buf[cut:])) == whole {
			return cut
		}
	}
	return 0
}

func (f *redactWriter) emit(b []byte) {
	if f.err != nil {
		return
	}
	_, f.err = io.WriteString(f.w, f.redact(string(b)))
}

// Close flushes (see Flush).
func (f *redactWriter) Close() error { return f.Flush() }

// Flush writes the rest of the last line and returns the first failure
// to write; the writer can still be written to.
func (f *redactWriter) Flush() error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if len(f.buf) > 0 {
		f.emit(f.buf)
		f.buf = f.buf[:0]
	}
	return f.err
}
