package compile

import (
	"strings"

	"github.com/sluice-dev/sluice"
	"github.com/sluice-dev/sluice/dsl"
)

// AWS tag limits shared by the services Sluice uses.
const (
	maxTags        = 50
	maxTagKey      = 128
	maxTagValue    = 256
	ownershipCount = 5
)

// userTags merges the tags a document's resources carry besides the
// ownership tags: the project's tags, then the document's labels, then
// the tags its spec sets, later ones winning. It reports tags AWS would
// refuse, and then returns ok false: the document must yield no
// resources.
func (c *compiler) userTags(d *dsl.Document, specTags map[string]string) (tags map[string]string, ok bool) {
	tags = make(map[string]string, len(c.spec.Tags)+len(specTags))
	for k, v := range c.spec.Tags {
		tags[k] = v
	}
	if meta, ok := d.Value()["metadata"].(map[string]any); ok {
		labels, _ := meta["labels"].(map[string]any)
		for k, v := range labels {
			if s, ok := v.(string); ok {
				tags[k] = s
			}
		}
	}
	for k, v := range specTags {
		tags[k] = v
	}
	return tags, c.checkTags(d, tags)
}

func (c *compiler) checkTags(d *dsl.Document, tags map[string]string) bool {
	before := len(c.diags)
	if len(tags)+ownershipCount > maxTags {
		c.fail(d, c.tagsPos(d), "limit.tags", "%s would carry %d tags with Sluice's %d ownership tags; AWS allows %d",
			d.ID(), len(tags)+ownershipCount, ownershipCount, maxTags)
	}
	for _, k := range sortedKeys(tags) {
		switch {
		case strings.HasPrefix(strings.ToLower(k), "aws:"):
			c.fail(d, c.tagsPos(d), "limit.tags", "tag %q: keys starting with aws: are reserved by AWS", k)
		case strings.HasPrefix(k, "sluice.dev/"):
			c.fail(d, c.tagsPos(d), "limit.tags", "tag %q: keys starting with sluice.dev/ are Sluice's own", k)
		case len(k) > maxTagKey:
			c.fail(d, c.tagsPos(d), "limit.tags", "tag key %q is %d characters; AWS allows %d", k, len(k), maxTagKey)
		case len(tags[k]) > maxTagValue:
			c.fail(d, c.tagsPos(d), "limit.tags", "tag %q has a value of %d characters; AWS allows %d", k, len(tags[k]), maxTagValue)
		}
	}
	return len(c.diags) == before
}

func (c *compiler) tagsPos(d *dsl.Document) sluice.Position {
	return d.LocateIn(c.in.Env, false, "spec", "tags")
}
