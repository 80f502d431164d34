package main

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"math/rand"
	"os"
	"regexp"
	"strconv"
	"strings"

	"github.com/sluice-dev/sluice/dsl"
)

// mutateMode reads a list of YAML file paths, breaks each file that
// yaml.v3 reads once per kind of mistake at a random line (seed 1), and
// counts where yaml.v3 alone (its line, the first non-blank column, as
// Sluice placed errors before), goccy/go-yaml and Sluice (dsl.ParseFile)
// place the error, against the character broken.
func mutateMode(list io.Reader) {
	r := rand.New(rand.NewSource(1))
	sc := bufio.NewScanner(list)
	type tally struct{ n, v3, gc, sluice int }
	stats := map[string]*tally{}
	valid := 0
	for sc.Scan() {
		data, err := os.ReadFile(sc.Text())
		if err != nil || len(data) > 200000 || nodeTree(data) != nil {
			continue
		}
		valid++
		for _, k := range mutationKinds() {
			m, ok := mutate(r, data, k)
			if !ok {
				continue
			}
			err := nodeTree(m.data)
			if err == nil {
				continue // still YAML: a deeper line continuing a value
			}
			t := stats[k]
			if t == nil {
				t = &tally{}
				stats[k] = t
			}
			t.n++
			if l, c := v3Position(m.data, err); l == m.line && c == m.col {
				t.v3++
			}
			if l, c := goccyPosition(m.data); l == m.line && c == m.col {
				t.gc++
			}
			if _, ds := dsl.ParseFile("f.yaml", m.data, dsl.DefaultLimits()); len(ds) > 0 && ds[0].Pos.Line == m.line && ds[0].Pos.Column == m.col {
				t.sluice++
			}
		}
	}
	fmt.Printf("%d files yaml.v3 reads\n", valid)
	fmt.Printf("%-10s %6s %14s %14s %14s\n", "mistake", "files", "yaml.v3 alone", "goccy", "Sluice")
	for _, k := range mutationKinds() {
		t := stats[k]
		if t == nil {
			continue
		}
		pct := func(x int) string { return fmt.Sprintf("%d (%.0f%%)", x, 100*float64(x)/float64(t.n)) }
		fmt.Printf("%-10s %6d %14s %14s %14s\n", k, t.n, pct(t.v3), pct(t.gc), pct(t.sluice))
	}
}

func mutationKinds() []string {
	return []string{"tab", "indent+1", "indent-1", "dquote", "squote", "flowseq", "flowmap"}
}

var (
	keyLineRE = regexp.MustCompile(`^(- )?[A-Za-z_][\w.-]*:( |$)`)
	dquoteRE  = regexp.MustCompile(`: "[^"\\]*"\s*$`)
	squoteRE  = regexp.MustCompile(`: '[^']*'\s*$`)
	flowseqRE = regexp.MustCompile(`: \[[^\[\]{}#"']*\]\s*$`)
	flowmapRE = regexp.MustCompile(`: \{[^\[\]{}#"']*\}\s*$`)
	v3LineRE  = regexp.MustCompile(`^yaml: line (\d+): (.*)$`)
)

type mutation struct {
	data      []byte
	line, col int
}

// mutate breaks one line of data the way people do, returning where.
func mutate(r *rand.Rand, data []byte, kind string) (mutation, bool) {
	lines := strings.Split(string(data), "\n")
	var cand []int
	for i, l := range lines {
		t := strings.TrimLeft(l, " ")
		ind := len(l) - len(t)
		if t == "" || t[0] == '#' || strings.HasPrefix(t, "---") {
			continue
		}
		ok := false
		switch kind {
		case "tab":
			ok = ind >= 2
		case "indent+1", "indent-1":
			ok = ind >= 2 && keyLineRE.MatchString(t)
		case "dquote":
			ok = dquoteRE.MatchString(l)
		case "squote":
			ok = squoteRE.MatchString(l)
		case "flowseq":
			ok = flowseqRE.MatchString(l)
		case "flowmap":
			ok = flowmapRE.MatchString(l)
		}
		if ok {
			cand = append(cand, i)
		}
	}
	if len(cand) == 0 {
		return mutation{}, false
	}
	i := cand[r.Intn(len(cand))]
	l := lines[i]
	ind := len(l) - len(strings.TrimLeft(l, " "))
	m := mutation{line: i + 1}
	trimmed := strings.TrimRight(l, " \t")
	switch kind {
	case "tab":
		lines[i], m.col = "\t"+l[2:], 1
	case "indent+1":
		lines[i], m.col = " "+l, ind+2
	case "indent-1":
		lines[i], m.col = l[1:], ind
	case "dquote", "squote", "flowseq", "flowmap":
		open := map[string]string{"dquote": `"`, "squote": "'", "flowseq": "[", "flowmap": "{"}[kind]
		lines[i], m.col = trimmed[:len(trimmed)-1], strings.LastIndex(l, ": "+open)+3
	}
	m.data = []byte(strings.Join(lines, "\n"))
	return m, true
}

// v3Position is where Sluice placed a yaml.v3 error before it scanned
// for the mistake: yaml.v3's line (parser errors one lower), the first
// non-blank column.
func v3Position(data []byte, err error) (int, int) {
	line := 1
	if m := v3LineRE.FindStringSubmatch(err.Error()); m != nil {
		line, _ = strconv.Atoi(m[1])
		if strings.HasPrefix(m[2], "did not find expected") {
			line++
		}
	}
	lines := bytes.Split(data, []byte("\n"))
	line = min(line, len(lines))
	return line, 1 + len(lines[line-1]) - len(bytes.TrimLeft(lines[line-1], " "))
}
