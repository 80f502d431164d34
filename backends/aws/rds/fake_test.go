package rds_test

// fakeRDS is an RDS endpoint at the HTTP layer (query protocol, XML
// answers) for what kumo cannot test: kumo's instances are available at
// once and vanish at once, it drops tags at create and does not support
// Add/RemoveTagsFromResource, applies ApplyImmediately=false at once with
// no pending-modified values, and deletes an instance with deletion
// protection. It covers CreateDBInstance, DescribeDBInstances,
// ModifyDBInstance, DeleteDBInstance, AddTagsToResource and
// RemoveTagsFromResource as AWS documents them:
//   - an instance is creating, then backing-up, then available, one step
//     per Advance; deleting, then gone;
//   - ModifyDBInstance is refused (InvalidDBInstanceState) unless the
//     instance is available, and with nothing to change
//     (InvalidParameterCombination), except that storage-full accepts
//     more storage; class, storage, engine version,
//     multi-AZ and storage type go to PendingModifiedValues: with
//     ApplyImmediately the instance is modifying until Advance applies
//     them, without it they wait for MaintenanceWindow; other fields
//     apply at once;
//   - DeleteDBInstance is refused (InvalidParameterCombination) with
//     deletion protection on, or with neither SkipFinalSnapshot nor a
//     FinalDBSnapshotIdentifier, and (InvalidDBInstanceState) unless
//     available;
//   - a taken identifier is DBInstanceAlreadyExists, a missing one
//     DBInstanceNotFound (404).

import (
	"encoding/xml"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
)

type fakeTag struct {
	Key   string `xml:"Key"`
	Value string `xml:"Value"`
}

type fakePending struct {
	DBInstanceClass  string `xml:",omitempty"`
	AllocatedStorage int    `xml:",omitempty"`
	EngineVersion    string `xml:",omitempty"`
	MultiAZ          *bool  `xml:",omitempty"`
	StorageType      string `xml:",omitempty"`
}

type fakeDB struct {
	DBInstanceIdentifier  string
	DBInstanceArn         string
	DBInstanceClass       string
	Engine                string
	EngineVersion         string
	DBInstanceStatus      string
	AllocatedStorage      int
	MaxAllocatedStorage   int `xml:",omitempty"`
	MultiAZ               bool
	PubliclyAccessible    bool
	StorageEncrypted      bool
	StorageType           string `xml:",omitempty"`
	MasterUsername        string
	DBName                string `xml:",omitempty"`
	BackupRetentionPeriod int
	DeletionProtection    bool
	DBSubnetGroup         *struct{ DBSubnetGroupName string }           `xml:",omitempty"`
	VpcSecurityGroups     []struct{ VpcSecurityGroupId, Status string } `xml:"VpcSecurityGroups>VpcSecurityGroupMembership"`
	MasterUserSecret      *struct{ SecretArn, SecretStatus string }     `xml:",omitempty"`
	TagList               []fakeTag                                     `xml:"TagList>Tag"`
	PendingModifiedValues fakePending                                   `xml:"PendingModifiedValues"`
}

type fakeRDS struct {
	mu        sync.Mutex
	dbs       map[string]*fakeDB
	snapshots []string
	actions   []string
}

func startFakeRDS(t *testing.T) (*fakeRDS, string) {
	t.Helper()
	f := &fakeRDS{dbs: map[string]*fakeDB{}}
	srv := httptest.NewServer(f)
	t.Cleanup(srv.Close)
	return f, srv.URL
}

// Advance moves every instance one step along its transitions.
func (f *fakeRDS) Advance() {
	f.mu.Lock()
	defer f.mu.Unlock()
	for id, db := range f.dbs {
		switch db.DBInstanceStatus {
		case "creating":
			db.DBInstanceStatus = "backing-up"
		case "backing-up":
			db.DBInstanceStatus = "available"
		case "modifying":
			applyPending(db)
			db.DBInstanceStatus = "available"
		case "deleting":
			delete(f.dbs, id)
		}
	}
}

// MaintenanceWindow applies every pending change.
func (f *fakeRDS) MaintenanceWindow() {
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, db := range f.dbs {
		applyPending(db)
	}
}

func applyPending(db *fakeDB) {
	p := db.PendingModifiedValues
	if p.DBInstanceClass != "" {
		db.DBInstanceClass = p.DBInstanceClass
	}
	if p.AllocatedStorage != 0 {
		db.AllocatedStorage = p.AllocatedStorage
	}
	if p.EngineVersion != "" {
		db.EngineVersion = p.EngineVersion
	}
	if p.MultiAZ != nil {
		db.MultiAZ = *p.MultiAZ
	}
	if p.StorageType != "" {
		db.StorageType = p.StorageType
	}
	db.PendingModifiedValues = fakePending{}
}

func (f *fakeRDS) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	form, err := url.ParseQuery(string(body))
	if err != nil {
		rdsError(w, http.StatusBadRequest, "MalformedQueryString", err.Error())
		return
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	action := form.Get("Action")
	f.actions = append(f.actions, action)
	switch action {
	case "CreateDBInstance":
		f.create(w, form)
	case "DescribeDBInstances":
		f.describe(w, form)
	case "ModifyDBInstance":
		f.modify(w, form)
	case "DeleteDBInstance":
		f.delete(w, form)
	case "AddTagsToResource", "RemoveTagsFromResource":
		f.tags(w, action, form)
	default:
		rdsError(w, http.StatusBadRequest, "InvalidAction", "fakeRDS does not implement "+action)
	}
}

func (f *fakeRDS) create(w http.ResponseWriter, form url.Values) {
	id := form.Get("DBInstanceIdentifier")
	switch {
	case f.dbs[id] != nil:
		rdsError(w, http.StatusBadRequest, "DBInstanceAlreadyExists", "DB instance already exists")
		return
	case form.Get("MasterUserPassword") != "" && form.Get("ManageMasterUserPassword") == "true":
		rdsError(w, http.StatusBadRequest, "InvalidParameterCombination", "You can't specify MasterUserPassword and ManageMasterUserPassword")
		return
	}
	db := &fakeDB{DBInstanceIdentifier: id, DBInstanceArn: "arn:aws:rds:us-east-1:000000000000:db:" + id,
		DBInstanceStatus: "creating", Engine: form.Get("Engine"), EngineVersion: form.Get("EngineVersion"),
		MasterUsername: form.Get("MasterUsername"), DBName: form.Get("DBName"), BackupRetentionPeriod: 1,
		StorageEncrypted: form.Get("StorageEncrypted") == "true", TagList: formTags(form)}
	if strings.HasPrefix(db.EngineVersion, "16") && !strings.Contains(db.EngineVersion, ".") {
		db.EngineVersion += ".3"
	}
	if form.Get("ManageMasterUserPassword") == "true" {
		db.MasterUserSecret = &struct{ SecretArn, SecretStatus string }{"arn:aws:secretsmanager:us-east-1:000000000000:secret:rds!db-" + id, "active"}
	}
	setFields(db, form)
	f.dbs[id] = db
	writeResult(w, "CreateDBInstance", db)
}

// setFields sets the fields that apply at once from a create or modify.
func setFields(db *fakeDB, form url.Values) {
	str := func(k string, dst *string) {
		if form.Has(k) {
			*dst = form.Get(k)
		}
	}
	num := func(k string, dst *int) {
		if form.Has(k) {
			*dst, _ = strconv.Atoi(form.Get(k))
		}
	}
	flag := func(k string, dst *bool) {
		if form.Has(k) {
			*dst = form.Get(k) == "true"
		}
	}
	str("DBInstanceClass", &db.DBInstanceClass)
	str("StorageType", &db.StorageType)
	num("AllocatedStorage", &db.AllocatedStorage)
	num("MaxAllocatedStorage", &db.MaxAllocatedStorage)
	num("BackupRetentionPeriod", &db.BackupRetentionPeriod)
	flag("MultiAZ", &db.MultiAZ)
	flag("PubliclyAccessible", &db.PubliclyAccessible)
	flag("DeletionProtection", &db.DeletionProtection)
	if form.Has("DBSubnetGroupName") {
		db.DBSubnetGroup = &struct{ DBSubnetGroupName string }{form.Get("DBSubnetGroupName")}
	}
	if sgs := members(form, "VpcSecurityGroupIds.VpcSecurityGroupId."); len(sgs) > 0 {
		db.VpcSecurityGroups = nil
		for _, sg := range sgs {
			db.VpcSecurityGroups = append(db.VpcSecurityGroups, struct{ VpcSecurityGroupId, Status string }{sg, "active"})
		}
	}
}

func (f *fakeRDS) describe(w http.ResponseWriter, form url.Values) {
	if form.Get("DBInstanceIdentifier") == "" {
		f.describeAll(w, form)
		return
	}
	db := f.dbs[form.Get("DBInstanceIdentifier")]
	if db == nil {
		rdsError(w, http.StatusNotFound, "DBInstanceNotFound", "DBInstance "+form.Get("DBInstanceIdentifier")+" not found.")
		return
	}
	writeXML(w, "DescribeDBInstances", "<DBInstances>"+dbXML(db)+"</DBInstances>")
}

// describeAll lists every instance in identifier order, two a page
// (AWS pages by MaxRecords, default 100: the fake pages sooner so that
// callers' pagination is exercised), the Marker being the next index.
func (f *fakeRDS) describeAll(w http.ResponseWriter, form url.Values) {
	ids := make([]string, 0, len(f.dbs))
	for id := range f.dbs {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	start, _ := strconv.Atoi(form.Get("Marker"))
	end := min(start+2, len(ids))
	var b strings.Builder
	for _, id := range ids[min(start, end):end] {
		b.WriteString(dbXML(f.dbs[id]))
	}
	marker := ""
	if end < len(ids) {
		marker = "<Marker>" + strconv.Itoa(end) + "</Marker>"
	}
	writeXML(w, "DescribeDBInstances", "<DBInstances>"+b.String()+"</DBInstances>"+marker)
}

// pendingKeys are the fields ModifyDBInstance queues as pending values.
var pendingKeys = []string{"DBInstanceClass", "AllocatedStorage", "EngineVersion", "MultiAZ", "StorageType"}

func (f *fakeRDS) modify(w http.ResponseWriter, form url.Values) {
	db := f.dbs[form.Get("DBInstanceIdentifier")]
	switch {
	case db == nil:
		rdsError(w, http.StatusNotFound, "DBInstanceNotFound", "DBInstance not found")
		return
	case !modifiable(db, form):
		rdsError(w, http.StatusBadRequest, "InvalidDBInstanceState", "Database instance is not in available state.")
		return
	case len(form) <= 4: // Action, Version, DBInstanceIdentifier, ApplyImmediately
		rdsError(w, http.StatusBadRequest, "InvalidParameterCombination", "No modifications were requested")
		return
	}
	pending := url.Values{}
	for _, k := range pendingKeys {
		if form.Has(k) {
			pending.Set(k, form.Get(k))
			form.Del(k)
		}
	}
	setFields(db, form)
	var p fakeDB
	setFields(&p, pending)
	db.PendingModifiedValues = fakePending{DBInstanceClass: p.DBInstanceClass, AllocatedStorage: p.AllocatedStorage,
		EngineVersion: pending.Get("EngineVersion"), StorageType: p.StorageType}
	if pending.Has("MultiAZ") {
		db.PendingModifiedValues.MultiAZ = &p.MultiAZ
	}
	if len(pending) > 0 && form.Get("ApplyImmediately") == "true" {
		db.DBInstanceStatus = "modifying"
	}
	writeResult(w, "ModifyDBInstance", db)
}

// modifiable: RDS modifies an available instance, and a storage-full
// one given more storage.
func modifiable(db *fakeDB, form url.Values) bool {
	return db.DBInstanceStatus == "available" || db.DBInstanceStatus == "storage-full" && form.Has("AllocatedStorage")
}

func (f *fakeRDS) delete(w http.ResponseWriter, form url.Values) {
	db := f.dbs[form.Get("DBInstanceIdentifier")]
	switch {
	case db == nil:
		rdsError(w, http.StatusNotFound, "DBInstanceNotFound", "DBInstance not found")
	case db.DeletionProtection:
		rdsError(w, http.StatusBadRequest, "InvalidParameterCombination", "Cannot delete protected DB Instance, please disable deletion protection and try again.")
	case db.DBInstanceStatus != "available":
		rdsError(w, http.StatusBadRequest, "InvalidDBInstanceState", "Instance "+db.DBInstanceIdentifier+" is not in available state.")
	case form.Get("SkipFinalSnapshot") != "true" && form.Get("FinalDBSnapshotIdentifier") == "":
		rdsError(w, http.StatusBadRequest, "InvalidParameterCombination", "FinalDBSnapshotIdentifier is required unless SkipFinalSnapshot is specified.")
	default:
		if s := form.Get("FinalDBSnapshotIdentifier"); s != "" {
			f.snapshots = append(f.snapshots, s)
		}
		db.DBInstanceStatus = "deleting"
		writeResult(w, "DeleteDBInstance", db)
	}
}

func (f *fakeRDS) tags(w http.ResponseWriter, action string, form url.Values) {
	var db *fakeDB
	for _, d := range f.dbs {
		if d.DBInstanceArn == form.Get("ResourceName") {
			db = d
		}
	}
	if db == nil {
		rdsError(w, http.StatusNotFound, "DBInstanceNotFound", "DBInstance "+form.Get("ResourceName")+" not found.")
		return
	}
	tags := map[string]string{}
	for _, t := range db.TagList {
		tags[t.Key] = t.Value
	}
	if action == "AddTagsToResource" {
		for _, t := range formTags(form) {
			tags[t.Key] = t.Value
		}
	} else {
		for _, k := range members(form, "TagKeys.member.") {
			delete(tags, k)
		}
	}
	db.TagList = nil
	for k, v := range tags {
		db.TagList = append(db.TagList, fakeTag{k, v})
	}
	sort.Slice(db.TagList, func(i, j int) bool { return db.TagList[i].Key < db.TagList[j].Key })
	writeXML(w, action, "")
}

// members returns the values of a query list prefix.1, prefix.2, ...
func members(form url.Values, prefix string) []string {
	var out []string
	for i := 1; form.Has(prefix + strconv.Itoa(i)); i++ {
		out = append(out, form.Get(prefix+strconv.Itoa(i)))
	}
	return out
}

func formTags(form url.Values) []fakeTag {
	var out []fakeTag
	for i := 1; form.Has("Tags.Tag." + strconv.Itoa(i) + ".Key"); i++ {
		n := "Tags.Tag." + strconv.Itoa(i)
		out = append(out, fakeTag{form.Get(n + ".Key"), form.Get(n + ".Value")})
	}
	return out
}

func dbXML(db *fakeDB) string {
	b, _ := xml.Marshal(struct {
		XMLName xml.Name `xml:"DBInstance"`
		*fakeDB
	}{fakeDB: db})
	return string(b)
}

func writeResult(w http.ResponseWriter, action string, db *fakeDB) {
	writeXML(w, action, dbXML(db))
}

func writeXML(w http.ResponseWriter, action, result string) {
	w.Header().Set("Content-Type", "text/xml")
	_, _ = io.WriteString(w, `<`+action+`Response xmlns="http://rds.amazonaws.com/doc/2014-10-31/"><`+action+`Result>`+
		result+`</`+action+`Result><ResponseMetadata><RequestId>fake</RequestId></ResponseMetadata></`+action+`Response>`)
}

func rdsError(w http.ResponseWriter, status int, code, msg string) {
	w.Header().Set("Content-Type", "text/xml")
	w.WriteHeader(status)
	_, _ = io.WriteString(w, `<ErrorResponse xmlns="http://rds.amazonaws.com/doc/2014-10-31/"><Error><Type>Sender</Type><Code>`+
		code+`</Code><Message>`+msg+`</Message></Error><RequestId>fake</RequestId></ErrorResponse>`)
}
