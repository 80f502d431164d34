package daemon

import (
	"bytes"
	"encoding/json"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/sluice-dev/sluice/redact"
)

func TestAnswerKeyFollowsEveryChange(t *testing.T) {
	base := Status{Environment: "dev", State: StateSynced, Held: map[string]string{"Pipeline/a": "x"},
		Pipelines: []Pipeline{{Name: "a"}}, Pending: &PendingPlan{Revision: "r1"},
		Runs: []RunSummary{{Pipeline: "a", Name: "n", Status: "RUNNING", Started: time.Unix(1, 0)}}}
	key := answerKey(base)
	if key == nil {
		t.Fatal("a status gives no key")
	}
	if !sameKey(key, answerKey(base)) {
		t.Error("the same status gives another key")
	}
	same := base
	same.Runs = append([]RunSummary(nil), base.Runs...) // rebuilt on each read, same content
	if !sameKey(key, answerKey(same)) {
		t.Error("runs rebuilt with the same content change the key")
	}
	changes := map[string]func(*Status){
		"state":          func(s *Status) { s.State = StateFailed },
		"time":           func(s *Status) { s.LastAttempt = time.Unix(2, 0) },
		"count":          func(s *Status) { s.Drifted = 3 },
		"pipelines":      func(s *Status) { s.Pipelines = []Pipeline{{Name: "b"}} },
		"many pipelines": func(s *Status) { s.Pipelines = make([]Pipeline, 2*smallSlice) },
		"pipelines gone": func(s *Status) { s.Pipelines = nil },
		"holds":          func(s *Status) { s.Held = map[string]string{"Pipeline/a": "x"} },
		"pending":        func(s *Status) { s.Pending = &PendingPlan{Revision: "r1"} },
		"run status": func(s *Status) {
			s.Runs = []RunSummary{{Pipeline: "a", Name: "n", Status: "SUCCEEDED", Started: time.Unix(1, 0)}}
		},
		"no runs": func(s *Status) { s.Runs = nil },
	}
	for name, change := range changes {
		s := base
		change(&s)
		if sameKey(key, answerKey(s)) {
			t.Errorf("%s: the key did not change", name)
		}
	}
	// A long slice is held by identity: replaced, even by equal
	// content, it changes the key (the daemon never edits one in place).
	many := base
	many.Pipelines = make([]Pipeline, 2*smallSlice)
	manyKey := answerKey(many)
	if !sameKey(manyKey, answerKey(many)) {
		t.Error("the same long slice changes the key")
	}
	many.Pipelines = make([]Pipeline, 2*smallSlice)
	if sameKey(manyKey, answerKey(many)) {
		t.Error("a replaced long slice keeps the key")
	}
	if sameKey(answerKey(base), answerKey(base, base)) {
		t.Error("two statuses give the key of one")
	}
}

// A cached answer is the bytes writeJSON gives, follows a replaced
// status, and is redacted on each write: a secret learned after the
// answer was encoded is masked too.
func TestCachedAnswerMatchesAndIsRedacted(t *testing.T) {
	d := &Daemon{redact: redact.New()}
	secret := "s3cr3t-value-of-the-test"
	s := Status{Environment: "dev", Message: "failed with " + secret, Pipelines: []Pipeline{{Name: "a"}}}
	get := func(s Status) []byte {
		w := httptest.NewRecorder()
		d.writeStatusJSON(w, "status dev", []Status{s}, func() any { return s })
		if w.Code != 200 || w.Header().Get("Content-Type") != "application/json" {
			t.Fatalf("answer %d %v", w.Code, w.Header())
		}
		return w.Body.Bytes()
	}
	direct := httptest.NewRecorder()
	d.writeJSON(direct, 200, s)
	first := get(s)
	if !bytes.Equal(first, direct.Body.Bytes()) {
		t.Errorf("cached answer differs from writeJSON:\n%s\n%s", first, direct.Body.Bytes())
	}
	if again := get(s); !bytes.Equal(again, first) {
		t.Errorf("second answer differs:\n%s", again)
	}
	if d.answers.entries["status dev"].body == nil {
		t.Fatal("the answer was not cached")
	}
	d.redact.Set([]byte(secret))
	if b := get(s); bytes.Contains(b, []byte(secret)) {
		t.Errorf("a secret learned after caching is in the answer:\n%s", b)
	}
	s.Pipelines = []Pipeline{{Name: "a"}, {Name: "b"}}
	var got Status
	if err := json.Unmarshal(get(s), &got); err != nil || len(got.Pipelines) != 2 {
		t.Errorf("the answer did not follow the replaced pipelines: %v %+v", err, got.Pipelines)
	}
}
