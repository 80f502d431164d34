package config

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/sluice-dev/sluice"
)

// Load reads and parses the configuration file at path (see Parse). It
// fails when the file cannot be read, or with an *Error listing every
// finding when it is not valid.
func Load(path string) (*Config, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("load configuration: %w", err)
	}
	return Parse(path, data)
}

// Parse decodes and validates the configuration in data; name is the
// file's name, used in findings and to resolve relative paths. Unknown
// keys, missing required fields and values that break a rule are all
// reported at once in an *Error, each finding naming file:line:col and
// the field. Warnings that do not stop the daemon land in
// Config.Warnings.
func Parse(name string, data []byte) (*Config, error) {
	root, err := parseDocument(name, data)
	if err != nil {
		return nil, err
	}
	d := &decoder{file: name, dir: filepath.Dir(name)}
	cfg := d.config(root)
	if len(d.findings) > 0 {
		sortFindings(d.findings)
		if d.dropped > 0 {
			d.findings = append(d.findings, Finding{Pos: sluice.Position{File: name},
				Message: fmt.Sprintf("%d more findings not shown", d.dropped)})
		}
		return nil, &Error{Findings: d.findings}
	}
	sortFindings(d.warnings)
	cfg.Warnings = d.warnings
	cfg.setKeys()
	return cfg, nil
}

// parseDocument returns the root node of the file's single YAML document.
func parseDocument(name string, data []byte) (*yaml.Node, error) {
	dec := yaml.NewDecoder(bytes.NewReader(data))
	var doc yaml.Node
	if err := dec.Decode(&doc); err != nil {
		if errors.Is(err, io.EOF) {
			return nil, oneFinding(sluice.Position{File: name}, "the configuration is empty")
		}
		return nil, syntaxError(name, err)
	}
	var extra yaml.Node
	switch err := dec.Decode(&extra); {
	case err == nil:
		pos := sluice.Position{File: name, Line: extra.Line, Column: extra.Column}
		return nil, oneFinding(pos, "a second YAML document: the configuration is one document")
	case !errors.Is(err, io.EOF):
		return nil, syntaxError(name, err)
	}
	root := resolve(doc.Content[0])
	if root.ShortTag() == "!!null" {
		return nil, oneFinding(sluice.Position{File: name}, "the configuration is empty")
	}
	return root, nil
}

// syntaxError turns a yaml.v3 error ("yaml: line 3: ...") into a finding
// at that line.
func syntaxError(name string, err error) error {
	msg := strings.TrimPrefix(err.Error(), "yaml: ")
	pos := sluice.Position{File: name}
	if rest, ok := strings.CutPrefix(msg, "line "); ok {
		if num, text, ok := strings.Cut(rest, ": "); ok {
			if line, convErr := strconv.Atoi(num); convErr == nil {
				pos.Line, msg = line, text
			}
		}
	}
	return oneFinding(pos, "YAML syntax: "+msg)
}

func oneFinding(pos sluice.Position, msg string) error {
	return &Error{Findings: []Finding{{Pos: pos, Message: msg}}}
}
