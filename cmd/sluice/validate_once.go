package main

import "github.com/sluice-dev/sluice"

// oncePerPlace drops, from sorted findings, those that say what the one
// before says at the same place and differ only in the document they
// hold: a mistake in the project's defaults holds every pipeline that
// inherits it, but is one line for the person who reads the findings.
// The JSON and YAML outputs keep every finding with its document.
func oncePerPlace(ds sluice.Diagnostics) sluice.Diagnostics {
	out := make(sluice.Diagnostics, 0, len(ds))
	for i, d := range ds {
		if i > 0 && samePlaceAndWords(d, ds[i-1]) {
			continue
		}
		out = append(out, d)
	}
	return out
}

func samePlaceAndWords(a, b sluice.Diagnostic) bool {
	a.Document, b.Document = "", ""
	return a == b
}
