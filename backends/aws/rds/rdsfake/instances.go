package rdsfake

import (
	"maps"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
)

// tag is one entry of an instance's TagList.
type tag struct {
	Key   string `xml:"Key"`
	Value string `xml:"Value"`
}

// pending is an instance's PendingModifiedValues.
type pending struct {
	DBInstanceClass  string `xml:",omitempty"`
	AllocatedStorage int    `xml:",omitempty"`
	EngineVersion    string `xml:",omitempty"`
	MultiAZ          *bool  `xml:",omitempty"`
	StorageType      string `xml:",omitempty"`
}

// dbInstance is one DB instance; its fields are the elements of its
// DescribeDBInstances answer.
type dbInstance struct {
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
	TagList               []tag                                         `xml:"TagList>Tag"`
	PendingModifiedValues pending                                       `xml:"PendingModifiedValues"`
}

// export copies the instance for a test to read.
func (db *dbInstance) export() Instance {
	tags := map[string]string{}
	for _, t := range db.TagList {
		tags[t.Key] = t.Value
	}
	return Instance{Identifier: db.DBInstanceIdentifier, ARN: db.DBInstanceArn, Class: db.DBInstanceClass,
		Status: db.DBInstanceStatus, AllocatedStorage: db.AllocatedStorage, MaxAllocatedStorage: db.MaxAllocatedStorage,
		BackupRetentionPeriod: db.BackupRetentionPeriod, DeletionProtection: db.DeletionProtection, Tags: tags}
}

// applyPending applies the instance's pending values and clears them.
func (db *dbInstance) applyPending() {
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
	db.PendingModifiedValues = pending{}
}

// create answers CreateDBInstance: the instance starts creating, with
// the tags given; a major-only PostgreSQL 16 version runs as 16.3.
func (s *Server) create(w http.ResponseWriter, form url.Values) {
	id := form.Get("DBInstanceIdentifier")
	switch {
	case s.dbs[id] != nil:
		writeError(w, http.StatusBadRequest, "DBInstanceAlreadyExists", "DB instance already exists")
		return
	case form.Get("MasterUserPassword") != "" && form.Get("ManageMasterUserPassword") == "true":
		writeError(w, http.StatusBadRequest, "InvalidParameterCombination", "You can't specify MasterUserPassword and ManageMasterUserPassword")
		return
	}
	db := &dbInstance{DBInstanceIdentifier: id, DBInstanceArn: "arn:aws:rds:" + Region + ":" + Account + ":db:" + id,
		DBInstanceStatus: "creating", Engine: form.Get("Engine"), EngineVersion: form.Get("EngineVersion"),
		MasterUsername: form.Get("MasterUsername"), DBName: form.Get("DBName"), BackupRetentionPeriod: 1,
		StorageEncrypted: form.Get("StorageEncrypted") == "true", TagList: formTags(form)}
	if strings.HasPrefix(db.EngineVersion, "16") && !strings.Contains(db.EngineVersion, ".") {
		db.EngineVersion += ".3"
	}
	if form.Get("ManageMasterUserPassword") == "true" {
		db.MasterUserSecret = &struct{ SecretArn, SecretStatus string }{
			"arn:aws:secretsmanager:" + Region + ":" + Account + ":secret:rds!db-" + id, "active"}
	}
	setFields(db, form)
	s.dbs[id] = db
	writeXML(w, "CreateDBInstance", dbXML(db))
}

// setFields sets the fields that apply at once from a create or modify.
func setFields(db *dbInstance, form url.Values) {
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
	setNetwork(db, form)
}

// setNetwork sets the subnet group and security groups a create or
// modify names.
func setNetwork(db *dbInstance, form url.Values) {
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

// describe answers DescribeDBInstances for one identifier, or lists
// every instance when none is given.
func (s *Server) describe(w http.ResponseWriter, form url.Values) {
	id := form.Get("DBInstanceIdentifier")
	if id == "" {
		s.describeAll(w, form)
		return
	}
	db := s.dbs[id]
	if db == nil {
		writeError(w, http.StatusNotFound, "DBInstanceNotFound", "DBInstance "+id+" not found.")
		return
	}
	writeXML(w, "DescribeDBInstances", "<DBInstances>"+dbXML(db)+"</DBInstances>")
}

// describeAll lists every instance in identifier order, two a page, the
// Marker being the index of the next.
func (s *Server) describeAll(w http.ResponseWriter, form url.Values) {
	ids := slices.Sorted(maps.Keys(s.dbs))
	start, _ := strconv.Atoi(form.Get("Marker"))
	end := min(start+2, len(ids))
	var b strings.Builder
	for _, id := range ids[min(start, end):end] {
		b.WriteString(dbXML(s.dbs[id]))
	}
	marker := ""
	if end < len(ids) {
		marker = "<Marker>" + strconv.Itoa(end) + "</Marker>"
	}
	writeXML(w, "DescribeDBInstances", "<DBInstances>"+b.String()+"</DBInstances>"+marker)
}
