package project

import (
	"regexp"

	"github.com/sluice-dev/sluice/dsl"
)

// NamePattern is the pattern every kind's schema gives metadata.name
// ($defs/name): the name is part of AWS resource names.
const NamePattern = `^[a-z][a-z0-9-]*$`

// maxNameLength is the schemas' maxLength of metadata.name.
const maxNameLength = 63

var nameRE = regexp.MustCompile(NamePattern)

// ValidName reports whether name can name a document.
func ValidName(name string) bool {
	return len(name) <= maxNameLength && nameRE.MatchString(name)
}

// Unidentified returns the documents whose identity (Kind/name) cannot be
// established: no metadata.name, a name that is not a valid name, or a
// Kind/name another document has too. What such a document produced
// before cannot be told from what it asks for now, so everything last
// applied from its file is held. Kinds are always known here: a document
// of an unknown kind makes its whole file unreadable.
func (s *Snapshot) Unidentified() []*dsl.Document {
	count := make(map[string]int, len(s.Documents))
	for _, d := range s.Documents {
		count[d.ID()]++
	}
	var out []*dsl.Document
	for _, d := range s.Documents {
		if !ValidName(d.Name) || count[d.ID()] > 1 {
			out = append(out, d)
		}
	}
	return out
}
