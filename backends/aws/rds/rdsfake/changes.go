package rdsfake

import (
	"net/http"
	"net/url"
	"strconv"
)

// pendingKeys returns the fields ModifyDBInstance queues as pending
// values.
func pendingKeys() []string {
	return []string{"DBInstanceClass", "AllocatedStorage", "EngineVersion", "MultiAZ", "StorageType"}
}

// modify answers ModifyDBInstance: pendingKeys become pending values
// (the instance modifying with ApplyImmediately), the rest apply at once.
func (s *Server) modify(w http.ResponseWriter, form url.Values) {
	db := s.dbs[form.Get("DBInstanceIdentifier")]
	switch {
	case db == nil:
		writeError(w, http.StatusNotFound, "DBInstanceNotFound", "DBInstance not found")
		return
	case !modifiable(db, form):
		writeError(w, http.StatusBadRequest, "InvalidDBInstanceState", "Database instance is not in available state.")
		return
	case len(form) <= 4: // Action, Version, DBInstanceIdentifier, ApplyImmediately
		writeError(w, http.StatusBadRequest, "InvalidParameterCombination", "No modifications were requested")
		return
	}
	later := url.Values{}
	for _, k := range pendingKeys() {
		if form.Has(k) {
			later.Set(k, form.Get(k))
			form.Del(k)
		}
	}
	setFields(db, form)
	autoscalingOff(db, later)
	db.PendingModifiedValues = pendingOf(later)
	if len(later) > 0 && form.Get("ApplyImmediately") == "true" {
		db.DBInstanceStatus = "modifying"
	}
	writeXML(w, "ModifyDBInstance", dbXML(db))
}

// autoscalingOff turns storage autoscaling off when the limit a modify
// set equals the allocated storage (the pending size when the same
// modify changes it), as the Amazon RDS User Guide documents ("Turning
// off storage autoscaling": set the maximum storage threshold to the
// allocated storage); DescribeDBInstances then reports no
// MaxAllocatedStorage.
func autoscalingOff(db *dbInstance, later url.Values) {
	allocated := db.AllocatedStorage
	if later.Has("AllocatedStorage") {
		allocated, _ = strconv.Atoi(later.Get("AllocatedStorage"))
	}
	if db.MaxAllocatedStorage == allocated {
		db.MaxAllocatedStorage = 0
	}
}

// pendingOf returns the pending values a modify's pendingKeys set.
func pendingOf(later url.Values) pending {
	var p dbInstance
	setFields(&p, later)
	out := pending{DBInstanceClass: p.DBInstanceClass, AllocatedStorage: p.AllocatedStorage,
		EngineVersion: later.Get("EngineVersion"), StorageType: p.StorageType}
	if later.Has("MultiAZ") {
		out.MultiAZ = &p.MultiAZ
	}
	return out
}

// modifiable reports whether RDS modifies db now: an available instance,
// and a storage-full one given more storage.
func modifiable(db *dbInstance, form url.Values) bool {
	return db.DBInstanceStatus == "available" || db.DBInstanceStatus == "storage-full" && form.Has("AllocatedStorage")
}

// delete answers DeleteDBInstance: the instance starts deleting, its
// final snapshot recorded.
func (s *Server) delete(w http.ResponseWriter, form url.Values) {
	db := s.dbs[form.Get("DBInstanceIdentifier")]
	switch {
	case db == nil:
		writeError(w, http.StatusNotFound, "DBInstanceNotFound", "DBInstance not found")
	case db.DeletionProtection:
		writeError(w, http.StatusBadRequest, "InvalidParameterCombination", "Cannot delete protected DB Instance, please disable deletion protection and try again.")
	case db.DBInstanceStatus != "available":
		writeError(w, http.StatusBadRequest, "InvalidDBInstanceState", "Instance "+db.DBInstanceIdentifier+" is not in available state.")
	case form.Get("SkipFinalSnapshot") != "true" && form.Get("FinalDBSnapshotIdentifier") == "":
		writeError(w, http.StatusBadRequest, "InvalidParameterCombination", "FinalDBSnapshotIdentifier is required unless SkipFinalSnapshot is specified.")
	default:
		if snap := form.Get("FinalDBSnapshotIdentifier"); snap != "" {
			s.snapshots = append(s.snapshots, snap)
		}
		db.DBInstanceStatus = "deleting"
		writeXML(w, "DeleteDBInstance", dbXML(db))
	}
}

// tags answers AddTagsToResource and RemoveTagsFromResource for the
// instance whose ARN is the ResourceName.
func (s *Server) tags(w http.ResponseWriter, action string, form url.Values) {
	var db *dbInstance
	for _, d := range s.dbs {
		if d.DBInstanceArn == form.Get("ResourceName") {
			db = d
		}
	}
	if db == nil {
		writeError(w, http.StatusNotFound, "DBInstanceNotFound", "DBInstance "+form.Get("ResourceName")+" not found.")
		return
	}
	tags := db.export().Tags
	if action == "AddTagsToResource" {
		for _, t := range formTags(form) {
			tags[t.Key] = t.Value
		}
	} else {
		for _, k := range members(form, "TagKeys.member.") {
			delete(tags, k)
		}
	}
	db.TagList = tagList(tags)
	writeXML(w, action, "")
}
