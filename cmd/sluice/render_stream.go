package main

import (
	"bytes"
	"encoding/json"
	"io"
	"runtime"
	"sync"

	"github.com/sluice-dev/sluice"
)

// renderChunk is how many resources one worker encodes at a time.
const renderChunk = 4

// encodedChunk is a run of resources encoded, indented as they are
// printed inside the rendering's list.
type encodedChunk struct {
	from, to int
	out      []byte
	err      error
	done     chan struct{}
}

// writeResources writes resources to w as the elements of the indented
// "resources" list, in order. They are encoded by one worker per CPU, a
// chunk at a time; at most two chunks per worker are held at once (a chunk is a few resources: a state machine is tens of kilobytes indented), and
// their buffers are used again once written.
func writeResources(w io.Writer, resources []sluice.Resource) error {
	workers := runtime.GOMAXPROCS(0)
	ordered := make(chan *encodedChunk, workers)
	work := make(chan *encodedChunk)
	stop := make(chan struct{})
	buffers := make(chan []byte, 2*workers+1)
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			var compact bytes.Buffer
			for c := range work {
				var buf []byte
				select {
				case buf = <-buffers:
				default:
				}
				c.out, c.err = encodeResources(buf, &compact, resources[c.from:c.to], c.from == 0)
				close(c.done)
			}
		})
	}
	go func() {
		defer close(ordered)
		defer close(work)
		for from := 0; from < len(resources); from += renderChunk {
			c := &encodedChunk{from: from, to: min(from+renderChunk, len(resources)), done: make(chan struct{})}
			select {
			case ordered <- c:
			case <-stop:
				return
			}
			select {
			case work <- c:
			case <-stop:
				return
			}
		}
	}()
	var err error
	for c := range ordered {
		if err != nil {
			continue
		}
		<-c.done
		if err = c.err; err == nil {
			_, err = w.Write(c.out)
		}
		select {
		case buffers <- c.out[:0]:
		default:
		}
		if err != nil {
			close(stop)
		}
	}
	wg.Wait()
	return err
}

// encodeResources appends resources to out as list elements: each on a
// new line indented by four spaces, separated by commas, the first
// without one unless it continues a list. compact is scratch space.
func encodeResources(out []byte, compact *bytes.Buffer, resources []sluice.Resource, first bool) ([]byte, error) {
	enc := json.NewEncoder(compact)
	for i := range resources {
		compact.Reset()
		if err := enc.Encode(&resources[i]); err != nil {
			return nil, err
		}
		if i > 0 || !first {
			out = append(out, ',')
		}
		out = append(out, "\n    "...)
		out = appendIndented(out, bytes.TrimSuffix(compact.Bytes(), []byte("\n")), "    ", "  ")
	}
	return out, nil
}

// appendIndented appends src, compact JSON as encoding/json writes it,
// indented as json.Indent(dst, src, prefix, indent) does, byte for byte.
// It skips the validating scanner json.Indent runs on every byte: src was
// just written by the encoder.
func appendIndented(dst, src []byte, prefix, indent string) []byte {
	depth := 0
	open := false // after { or [, before knowing whether it is empty
	for i := 0; i < len(src); i++ {
		c := src[i]
		if open && c != '}' && c != ']' {
			open = false
			depth++
			dst = newLine(dst, prefix, indent, depth)
		}
		switch c {
		case '"':
			end := stringEnd(src, i)
			dst = append(dst, src[i:end]...)
			i = end - 1
		case '{', '[':
			dst = append(dst, c)
			open = true
		case ',':
			dst = append(dst, c)
			dst = newLine(dst, prefix, indent, depth)
		case ':':
			dst = append(dst, c, ' ')
		case '}', ']':
			if open {
				open = false
			} else {
				depth--
				dst = newLine(dst, prefix, indent, depth)
			}
			dst = append(dst, c)
		case ' ', '\t', '\n', '\r':
		default:
			dst = append(dst, c)
		}
	}
	return dst
}

// stringEnd returns the index just past the JSON string starting at
// src[start], a quote.
func stringEnd(src []byte, start int) int {
	for i := start + 1; i < len(src); i++ {
		switch src[i] {
		case '\\':
			i++
		case '"':
			return i + 1
		}
	}
	return len(src)
}

func newLine(dst []byte, prefix, indent string, depth int) []byte {
	dst = append(dst, '\n')
	dst = append(dst, prefix...)
	for range depth {
		dst = append(dst, indent...)
	}
	return dst
}
