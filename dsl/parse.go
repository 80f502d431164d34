package dsl

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"

	"gopkg.in/yaml.v3"

	"github.com/sluice-dev/sluice"
)

// Limits bound what one file may cost to read.
type Limits struct {
	// MaxFileBytes is the largest file read; larger files are rejected
	// unread.
	MaxFileBytes int
	// MaxAliasValues caps how many values anchors and aliases may expand
	// to in one file, so a small file cannot blow up into a huge one.
	MaxAliasValues int
}

// DefaultLimits are generous for hand-written pipelines and small enough
// to keep a hostile file from exhausting the daemon.
func DefaultLimits() Limits {
	return Limits{MaxFileBytes: 1 << 20, MaxAliasValues: 10000}
}

// File is a parsed YAML file: its documents in order.
type File struct {
	Path      string
	Documents []*Document
}

var yamlLineRE = regexp.MustCompile(`^yaml: line (\d+): (.*)$`)

// ParseFile splits data into Sluice documents. path is the file's path
// relative to the repository root and appears in every position. On any
// finding the file yields no documents: a file is read whole or not at all.
func ParseFile(path string, data []byte, lim Limits) (*File, sluice.Diagnostics) {
	whole := sluice.Position{File: path, Line: 1, Column: 1}
	if lim.MaxFileBytes > 0 && len(data) > lim.MaxFileBytes {
		return nil, sluice.Diagnostics{sluice.Errorf(whole, "file.too-large",
			"file is %d bytes, more than the limit of %d", len(data), lim.MaxFileBytes)}
	}
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	if !utf8.Valid(data) {
		return nil, sluice.Diagnostics{sluice.Errorf(invalidUTF8Pos(path, data), "file.encoding",
			"file is not valid UTF-8; save it as UTF-8")}
	}
	// The fast reader reads what people write into the values yaml.v3
	// would give, without node trees; on anything else it declines and
	// yaml.v3 reads the file.
	values, fast := readFast(data)
	var nodes []*yaml.Node
	if !fast {
		var diag *sluice.Diagnostic
		if nodes, diag = splitDocuments(path, data); diag != nil {
			return nil, sluice.Diagnostics{*diag}
		}
	}
	f := &File{Path: path}
	var diags sluice.Diagnostics
	budget := lim.MaxAliasValues
	if budget <= 0 {
		budget = DefaultLimits().MaxAliasValues
	}
	src := &source{data: bytes.Clone(data), budget: budget}
	for i := range max(len(values), len(nodes)) {
		var doc *Document
		var ds sluice.Diagnostics
		if fast {
			doc, ds = documentOf(path, values[i], src, i)
		} else {
			doc, ds = newDocument(path, nodes[i], &budget, src, i)
		}
		diags = append(diags, ds...)
		if doc != nil {
			f.Documents = append(f.Documents, doc)
		}
	}
	if len(f.Documents) == 0 && len(diags) == 0 {
		diags = append(diags, sluice.Errorf(whole, "file.empty",
			"file holds no document; add one (apiVersion: %s, kind, metadata.name, spec) or delete the file", APIVersion))
	}
	if len(diags) > 0 {
		return nil, diags
	}
	return f, nil
}

// splitDocuments runs the YAML parser over data and returns the non-empty
// document nodes; on a syntax error, one finding placed by
// syntaxDiagnostic.
func splitDocuments(path string, data []byte) (nodes []*yaml.Node, diag *sluice.Diagnostic) {
	defer func() {
		if r := recover(); r != nil {
			d := sluice.Errorf(sluice.Position{File: path, Line: 1, Column: 1}, "yaml.syntax", "YAML parser failed: %v", r)
			nodes, diag = nil, &d
		}
	}()
	dec := yaml.NewDecoder(bytes.NewReader(data))
	for {
		var n yaml.Node
		err := dec.Decode(&n)
		if errors.Is(err, io.EOF) {
			return nodes, nil
		}
		if err != nil {
			d := syntaxDiagnostic(path, data, err)
			return nil, &d
		}
		if len(n.Content) == 0 || isNull(n.Content[0]) {
			continue
		}
		nodes = append(nodes, &n)
	}
}

// syntaxDiagnostic turns a yaml.v3 error into a located finding: at the
// mistake locateMistake finds (the tab, the quote or bracket left open,
// the misindented line), else where yaml.v3 says. yaml.v3 prints scanner
// errors with 1-based lines but parser errors ("did not find expected
// ...") with the 0-based line of the construct left open, and no line at
// all for line 1; this undoes that, and gives the first non-blank
// character of that line as the column.
func syntaxDiagnostic(path string, data []byte, err error) sluice.Diagnostic {
	if m, ok := locateMistake(data); ok {
		return sluice.Errorf(sluice.Position{File: path, Line: m.line, Column: m.col}, "yaml.syntax", "%s", m.msg)
	}
	msg := strings.TrimPrefix(err.Error(), "yaml: ")
	line := 1
	if m := yamlLineRE.FindStringSubmatch(err.Error()); m != nil {
		line, _ = strconv.Atoi(m[1])
		msg = m[2]
		if strings.HasPrefix(msg, "did not find expected") {
			line++
		}
	}
	lines := bytes.Split(data, []byte("\n"))
	line = min(line, len(lines))
	col := 1 + len(lines[line-1]) - len(bytes.TrimLeft(lines[line-1], " "))
	return sluice.Errorf(sluice.Position{File: path, Line: line, Column: col}, "yaml.syntax", "%s", msg)
}

func isNull(n *yaml.Node) bool {
	return n.Kind == yaml.ScalarNode && n.ShortTag() == "!!null"
}

func invalidUTF8Pos(path string, data []byte) sluice.Position {
	line, col := 1, 1
	for i := 0; i < len(data); {
		r, size := utf8.DecodeRune(data[i:])
		if r == utf8.RuneError && size <= 1 {
			break
		}
		if r == '\n' {
			line, col = line+1, 1
		} else {
			col++
		}
		i += size
	}
	return sluice.Position{File: path, Line: line, Column: col}
}

func nodePos(path string, n *yaml.Node) sluice.Position {
	return sluice.Position{File: path, Line: n.Line, Column: n.Column}
}

func describeNode(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "a mapping"
	case yaml.SequenceNode:
		return "a list"
	case yaml.AliasNode:
		return "an alias"
	default:
		return fmt.Sprintf("the scalar %q", n.Value)
	}
}
