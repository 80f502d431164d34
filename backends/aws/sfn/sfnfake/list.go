package sfnfake

import (
	"maps"
	"slices"
	"strconv"
)

// listInput is ListStateMachines' request.
type listInput struct {
	MaxResults int    `json:"maxResults"`
	NextToken  string `json:"nextToken"`
}

// listItem is one state machine in ListStateMachines' answer.
type listItem struct {
	ARN     string  `json:"stateMachineArn"`
	Name    string  `json:"name"`
	Type    string  `json:"type"`
	Created float64 `json:"creationDate"`
}

// list answers ListStateMachines: every state machine the fake holds,
// those being deleted included, ordered by ARN, a page at a time
// (maxResults, default 100).
func (s *Server) list(body []byte) (any, *apiError) {
	var in listInput
	if e := decode(body, &in); e != nil {
		return nil, e
	}
	size := in.MaxResults
	if size <= 0 {
		size = 100
	}
	arns := slices.Sorted(maps.Keys(s.machines))
	start, _ := strconv.Atoi(in.NextToken)
	end := min(len(arns), max(start, 0)+size)
	items := []listItem{}
	for _, arn := range arns[min(max(start, 0), end):end] {
		m := s.machines[arn]
		items = append(items, listItem{ARN: m.ARN, Name: m.Name, Type: m.Type, Created: m.Created})
	}
	out := map[string]any{"stateMachines": items}
	if end < len(arns) {
		out["nextToken"] = strconv.Itoa(end)
	}
	return out, nil
}
