package rdsfake

import (
	"io"
	"maps"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/rds"
)

// Region and Account are where the fake's instances live.
const (
	Region  = "us-east-1"
	Account = "000000000000"
)

// Server is a running fake RDS.
type Server struct {
	// URL is the fake's endpoint.
	URL string

	mu        sync.Mutex
	dbs       map[string]*dbInstance // by identifier
	snapshots []string
	calls     []string
	// immediate holds the ApplyImmediately of each ModifyDBInstance.
	immediate []string
}

// Instance is a copy of one DB instance as the fake holds it.
type Instance struct {
	Identifier       string
	ARN              string
	Class            string
	Status           string
	AllocatedStorage int
	// MaxAllocatedStorage is the storage autoscaling limit, 0 when
	// autoscaling is off.
	MaxAllocatedStorage   int
	BackupRetentionPeriod int
	DeletionProtection    bool
	Tags                  map[string]string
}

// Start runs a fake RDS until the test ends.
func Start(tb testing.TB) *Server {
	tb.Helper()
	s := &Server{dbs: map[string]*dbInstance{}}
	srv := httptest.NewServer(http.HandlerFunc(s.serve))
	tb.Cleanup(srv.Close)
	s.URL = srv.URL
	return s
}

// Client returns an SDK client pointed at the fake, with static
// credentials and a single attempt per call.
func (s *Server) Client() *rds.Client {
	cfg := aws.Config{Region: Region, Credentials: credentials.NewStaticCredentialsProvider("test", "test", "")}
	return rds.NewFromConfig(cfg, func(o *rds.Options) {
		o.BaseEndpoint = aws.String(s.URL)
		o.RetryMaxAttempts = 1
	})
}

// Calls returns the actions answered so far, in order, as the SDK names
// them (CreateDBInstance, ...).
func (s *Server) Calls() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.calls)
}

// ApplyImmediately returns the ApplyImmediately parameter of each
// ModifyDBInstance received so far, in order, as sent ("true", "false",
// or "" when the call left it out).
func (s *Server) ApplyImmediately() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.immediate)
}

// Snapshots returns the names of the final snapshots deletes have taken,
// in order.
func (s *Server) Snapshots() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.snapshots)
}

// Advance moves every instance one step along its transitions: creating
// to backing-up to available, modifying to available with its pending
// values applied, deleting to gone.
func (s *Server) Advance() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.advance()
}

// Settle advances until no instance is creating, backing-up, modifying
// or deleting. Values pending for the maintenance window stay pending.
func (s *Server) Settle() {
	s.mu.Lock()
	defer s.mu.Unlock()
	for s.advance() {
	}
}

// advance takes one step and reports whether any instance moved.
func (s *Server) advance() bool {
	moved := false
	for id, db := range s.dbs {
		switch db.DBInstanceStatus {
		case "creating":
			db.DBInstanceStatus = "backing-up"
		case "backing-up":
			db.DBInstanceStatus = "available"
		case "modifying":
			db.applyPending()
			db.DBInstanceStatus = "available"
		case "deleting":
			delete(s.dbs, id)
		default:
			continue
		}
		moved = true
	}
	return moved
}

// MaintenanceWindow applies every pending change.
func (s *Server) MaintenanceWindow() {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, db := range s.dbs {
		db.applyPending()
	}
}

// Instance returns a copy of the instance with identifier id and whether
// there is one.
func (s *Server) Instance(id string) (Instance, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	db, ok := s.dbs[id]
	if !ok {
		return Instance{}, false
	}
	return db.export(), true
}

// Instances returns copies of every instance, in identifier order.
func (s *Server) Instances() []Instance {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Instance, 0, len(s.dbs))
	for _, id := range slices.Sorted(maps.Keys(s.dbs)) {
		out = append(out, s.dbs[id].export())
	}
	return out
}

// SetStatus puts the instance id in status as RDS itself would (stopped,
// storage-full, ...). It reports whether there is such an instance.
func (s *Server) SetStatus(id, status string) bool {
	return s.change(id, func(db *dbInstance) { db.DBInstanceStatus = status })
}

// SetAllocatedStorage sets the instance's storage as storage autoscaling
// would. It reports whether there is such an instance.
func (s *Server) SetAllocatedStorage(id string, gib int) bool {
	return s.change(id, func(db *dbInstance) { db.AllocatedStorage = gib })
}

// SetTags replaces the instance's tags, as a change made outside the
// caller would. It reports whether there is such an instance.
func (s *Server) SetTags(id string, tags map[string]string) bool {
	return s.change(id, func(db *dbInstance) { db.TagList = tagList(tags) })
}

// change runs fn on the instance id under the lock, reporting whether
// there is one.
func (s *Server) change(id string, fn func(*dbInstance)) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	db, ok := s.dbs[id]
	if ok {
		fn(db)
	}
	return ok
}

// serve decodes a query-protocol request and answers its action under
// the lock.
func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(r.Body)
	var form url.Values
	if err == nil {
		form, err = url.ParseQuery(string(body))
	}
	if err != nil {
		writeError(w, http.StatusBadRequest, "MalformedQueryString", err.Error())
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	action := form.Get("Action")
	s.calls = append(s.calls, action)
	if action == "ModifyDBInstance" {
		s.immediate = append(s.immediate, form.Get("ApplyImmediately"))
	}
	h, ok := s.actions()[action]
	if !ok {
		writeError(w, http.StatusBadRequest, "InvalidAction", "rdsfake does not implement "+action)
		return
	}
	h(w, form)
}

// actions maps the actions the fake answers to their handlers.
func (s *Server) actions() map[string]func(http.ResponseWriter, url.Values) {
	return map[string]func(http.ResponseWriter, url.Values){
		"CreateDBInstance":       s.create,
		"DescribeDBInstances":    s.describe,
		"ModifyDBInstance":       s.modify,
		"DeleteDBInstance":       s.delete,
		"AddTagsToResource":      func(w http.ResponseWriter, f url.Values) { s.tags(w, "AddTagsToResource", f) },
		"RemoveTagsFromResource": func(w http.ResponseWriter, f url.Values) { s.tags(w, "RemoveTagsFromResource", f) },
	}
}
