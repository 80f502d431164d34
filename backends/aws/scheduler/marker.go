package scheduler

import (
	"strings"

	"github.com/sluice-dev/sluice"
)

// markerPrefix starts the Description line that carries ownership.
const markerPrefix = "[sluice] "

// ownershipKeys are the tags the marker carries, in its order.
func ownershipKeys() []string {
	return []string{sluice.TagManagedBy, sluice.TagProject, sluice.TagEnvironment, sluice.TagResource, sluice.TagSpecHash}
}

// describe returns the Description Sluice writes: the spec's own
// description, if any, then the marker line with the ownership tags.
func describe(own string, tags map[string]string) string {
	fields := make([]string, 0, len(ownershipKeys()))
	for _, k := range ownershipKeys() {
		if v, ok := tags[k]; ok {
			fields = append(fields, k+"="+v)
		}
	}
	marker := markerPrefix + strings.Join(fields, " ")
	if own == "" {
		return marker
	}
	return own + "\n" + marker
}

// parseDescription splits a Description into the spec's own description
// and the ownership tags of its marker (nil when it has none).
func parseDescription(d string) (own string, tags map[string]string) {
	i := strings.LastIndex(d, markerPrefix)
	if i < 0 || (i > 0 && d[i-1] != '\n') {
		return d, nil
	}
	tags = map[string]string{}
	for _, f := range strings.Fields(d[i+len(markerPrefix):]) {
		if k, v, ok := strings.Cut(f, "="); ok {
			tags[k] = v
		}
	}
	return strings.TrimSuffix(d[:i], "\n"), tags
}
