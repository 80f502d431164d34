package sfnfake

import "encoding/json"

type validateInput struct {
	Definition string `json:"definition"`
}

type diagnostic struct {
	Severity string `json:"severity"`
	Code     string `json:"code"`
	Message  string `json:"message"`
	Location string `json:"location,omitempty"`
}

// asl is the part of a definition the fake checks.
type asl struct {
	StartAt string `json:"StartAt"`
	States  map[string]struct {
		Next string `json:"Next"`
	} `json:"States"`
}

func (s *Server) validate(body []byte) (any, *apiError) {
	var in validateInput
	if e := decode(body, &in); e != nil {
		return nil, e
	}
	diags := check(in.Definition)
	result := "OK"
	if len(diags) > 0 {
		result = "FAIL"
	}
	return map[string]any{"result": result, "diagnostics": diags, "truncated": false}, nil
}

// check returns what is wrong with a definition: not JSON, no StartAt,
// a StartAt or Next naming no state.
func check(definition string) []diagnostic {
	var d asl
	if err := json.Unmarshal([]byte(definition), &d); err != nil {
		return []diagnostic{{Severity: "ERROR", Code: "INVALID_JSON_DESCRIPTION", Message: err.Error()}}
	}
	if _, ok := d.States[d.StartAt]; !ok {
		return []diagnostic{{Severity: "ERROR", Code: "MISSING_TRANSITION_TARGET", Message: "StartAt names no state", Location: "/StartAt"}}
	}
	var diags []diagnostic
	for name, st := range d.States {
		if _, ok := d.States[st.Next]; st.Next != "" && !ok {
			diags = append(diags, diagnostic{Severity: "ERROR", Code: "MISSING_TRANSITION_TARGET",
				Message: "Next names no state", Location: "/States/" + name + "/Next"})
		}
	}
	return diags
}
