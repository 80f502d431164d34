package compile

import (
	"crypto/sha256"
	"encoding/hex"
	"strings"
)

// nameRule describes what one AWS service accepts as a resource name.
type nameRule struct {
	max int
	// allowed reports whether a byte may appear in the name.
	allowed func(c byte) bool
	// letterFirst requires a letter as the first character (else a
	// letter or digit).
	letterFirst bool
	// noDoubleHyphen forbids "--" and a trailing hyphen.
	noDoubleHyphen bool
}

func isAlnum(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
}
func isLower(c byte) bool { return c >= 'a' && c <= 'z' || c >= '0' && c <= '9' }

// The naming rules of the services Sluice creates resources in.

// ruleStateMachine: Step Functions state machines take 1-80 characters;
// letters, digits, hyphens and underscores are safe everywhere
// (CloudWatch included).
func ruleStateMachine() nameRule {
	return nameRule{max: 80, allowed: func(c byte) bool { return isAlnum(c) || c == '-' || c == '_' }}
}

// ruleBatch: Batch job definitions, job queues, compute environments and
// job names take up to 128 letters, digits, hyphens and underscores,
// starting with a letter or digit.
func ruleBatch() nameRule {
	return nameRule{max: 128, allowed: func(c byte) bool { return isAlnum(c) || c == '-' || c == '_' }}
}

// ruleBucket: S3 buckets take 3-63 lowercase letters, digits and hyphens,
// starting and ending with a letter or digit. Dots are allowed by S3 but
// break virtual-hosted TLS, and "--" starts reserved suffixes, so neither
// is used.
func ruleBucket() nameRule {
	return nameRule{max: 63, allowed: func(c byte) bool { return isLower(c) || c == '-' }, noDoubleHyphen: true}
}

// ruleRDS: RDS DB instance identifiers take 1-63 letters, digits and
// hyphens, starting with a letter, with no two consecutive hyphens and no
// trailing hyphen.
func ruleRDS() nameRule {
	return nameRule{max: 63, allowed: func(c byte) bool { return isLower(c) || c == '-' }, letterFirst: true, noDoubleHyphen: true}
}

// ruleSchedule: EventBridge Scheduler schedules take 1-64 letters,
// digits, hyphens, underscores and dots.
func ruleSchedule() nameRule {
	return nameRule{max: 64, allowed: func(c byte) bool { return isAlnum(c) || c == '-' || c == '_' || c == '.' }}
}

// hashLen is the length of the hash suffix a shortened or cleaned name
// gets, as Metaflow's @project does: enough to keep names apart.
const hashLen = 8

// physicalName joins parts with hyphens into a name the service accepts.
// A name that is too long, or that had to be cleaned, keeps as much of its
// readable prefix as fits and ends with "-" and a short hash of the full
// name, so distinct logical names stay distinct.
func physicalName(r nameRule, parts ...string) string {
	full := strings.Join(parts, "-")
	if r.valid(full) {
		return full
	}
	clean := r.clean(full)
	if clean == full && len(clean) <= r.max && clean != "" {
		return clean
	}
	sum := sha256.Sum256([]byte(full))
	suffix := hex.EncodeToString(sum[:])[:hashLen]
	keep := min(len(clean), r.max-hashLen-1)
	prefix := strings.TrimRight(clean[:keep], "-_.")
	if prefix == "" {
		prefix = "s"
	}
	return prefix + "-" + suffix
}

// clean replaces every character the rule does not allow with a hyphen,
// lower-cases where only lower case is allowed, and fixes the first
// character and hyphen runs.
func (r nameRule) clean(s string) string {
	b := make([]byte, 0, len(s)+2)
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !r.allowed(c) && r.allowed(c|0x20) && c >= 'A' && c <= 'Z' {
			c |= 0x20
		}
		if !r.allowed(c) {
			c = '-'
		}
		if r.noDoubleHyphen && c == '-' && len(b) > 0 && b[len(b)-1] == '-' {
			continue
		}
		b = append(b, c)
	}
	switch {
	case len(b) > 0 && b[0] == '-':
		b = append([]byte("s"), b...)
	case len(b) == 0 || !startOK(r, b[0]):
		b = append([]byte("s-"), b...)
	}
	if r.noDoubleHyphen {
		for len(b) > 0 && b[len(b)-1] == '-' {
			b = b[:len(b)-1]
		}
	}
	return string(b)
}

// valid reports whether s is a name the rule accepts as it is.
func (r nameRule) valid(s string) bool {
	if s == "" || len(s) > r.max || !startOK(r, s[0]) {
		return false
	}
	for i := 0; i < len(s); i++ {
		if !r.allowed(s[i]) {
			return false
		}
	}
	return !r.noDoubleHyphen || !strings.Contains(s, "--") && s[len(s)-1] != '-'
}

func startOK(r nameRule, c byte) bool {
	if r.letterFirst {
		return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
	}
	return isAlnum(c)
}
