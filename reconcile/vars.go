package reconcile

import (
	"sync"
	"time"

	"github.com/sluice-dev/sluice"
)

// defaultWait is how long a waiting operation waits before the next try.
const defaultWait = 15 * time.Second

// vars are the placeholder values of one apply, growing as resources get
// their ARNs.
type vars struct {
	mu     sync.Mutex
	values map[string]string
}

func newVars(base map[string]string) *vars {
	v := &vars{values: make(map[string]string, len(base))}
	for k, val := range base {
		v.values[k] = val
	}
	return v
}

func (v *vars) setARN(id sluice.ResourceID, arn string) {
	if arn == "" {
		return
	}
	v.mu.Lock()
	defer v.mu.Unlock()
	v.values["${"+string(id)+".arn}"] = arn
}

// target resolves the change's desired resource into a Target.
func (v *vars) target(c Change) (sluice.Target, error) {
	v.mu.Lock()
	defer v.mu.Unlock()
	r := *c.Desired
	spec, err := Resolve(r.Spec, v.values)
	if err != nil {
		return sluice.Target{}, err
	}
	r.Spec = spec
	t := sluice.Target{Resource: r}
	if c.Applied != nil {
		t.ARN = c.Applied.ARN
	}
	return t, nil
}

// Vars returns the placeholder values for an apply: the target's own
// (${aws.region}, ${target.stepFunctionsRoleArn}, ...) and the ARN of
// every resource already in the inventory.
func Vars(target map[string]string, inventory []Applied) map[string]string {
	out := make(map[string]string, len(target)+len(inventory))
	for k, v := range target {
		out[k] = v
	}
	for _, a := range inventory {
		if a.ARN != "" {
			out["${"+string(a.ID)+".arn}"] = a.ARN
		}
	}
	return out
}
