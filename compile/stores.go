package compile

import (
	"strings"

	"github.com/sluice-dev/sluice"
	"github.com/sluice-dev/sluice/dsl"
)

// storeInfo is what pipelines need of an ArtifactStore.
type storeInfo struct {
	spec   dsl.ArtifactStoreSpec
	bucket string
	ok     bool
}

// store decodes the ArtifactStore called name once; nil when there is no
// such document among the input. Once every store is decoded (before
// pipelines are compiled, possibly at once), it only reads.
func (c *compiler) store(name string) *storeInfo {
	if s, done := c.stores[name]; done {
		return s
	}
	d := c.docs[dsl.KindArtifactStore][name]
	if d == nil {
		return nil
	}
	s := &storeInfo{bucket: c.physical(ruleBucket(), name)}
	s.ok = c.decode(d, &s.spec)
	c.stores[name] = s
	return s
}

// bucket compiles an ArtifactStore into a Bucket whose spec holds each S3
// sub-configuration under its own key, in the shape of its Put* call.
// Every key is always there: a field the document leaves out means S3's
// default for a new bucket (unversioned, encrypted with sse-s3, public
// access blocked), and null for lifecycle and replication, which a bucket
// can be without (the backend removes what is there).
func (c *compiler) bucket(d *dsl.Document) {
	s := c.store(d.Name)
	if !s.ok || !c.checkReplication(d, s.spec) {
		return
	}
	spec := obj{{"Bucket", s.bucket}}
	status := "Suspended"
	if v := s.spec.Versioning; v != nil && *v {
		status = "Enabled"
	}
	spec.set("versioning", obj{{"Status", status}})
	e := s.spec.Encryption
	if e == nil {
		e = &dsl.Encryption{Type: "sse-s3"}
	}
	spec.set("encryption", encryption(e))
	block := s.spec.PublicAccessBlock == nil || *s.spec.PublicAccessBlock
	spec.set("publicAccessBlock", obj{{"BlockPublicAcls", block}, {"BlockPublicPolicy", block},
		{"IgnorePublicAcls", block}, {"RestrictPublicBuckets", block}})
	if len(s.spec.Lifecycle) > 0 {
		spec.set("lifecycle", obj{{"Rules", lifecycle(s.spec.Lifecycle)}})
	} else {
		spec.set("lifecycle", nil)
	}
	if r := s.spec.Replication; r != nil {
		spec.set("replication", replication(r))
	} else {
		spec.set("replication", nil)
	}
	tags, ok := c.userTags(d, s.spec.Tags)
	if !ok {
		return
	}
	c.emit(draft{typ: sluice.TypeBucket, name: d.Name, phys: s.bucket, doc: d,
		retain: s.spec.DeletionPolicy != string(sluice.DeletionDelete), tags: tags, spec: spec})
}

func encryption(e *dsl.Encryption) obj {
	def := obj{{"SSEAlgorithm", "AES256"}}
	rule := obj{}
	if e.Type == "kms" {
		def = obj{{"SSEAlgorithm", "aws:kms"}}
		def.setIf(e.KMSKey != "", "KMSMasterKeyID", e.KMSKey)
		rule.set("BucketKeyEnabled", true)
	}
	rule.set("ApplyServerSideEncryptionByDefault", def)
	return obj{{"Rules", []any{rule}}}
}

// lifecycle writes each rule with every action it can have: an action
// the rule leaves out is null, so that removing it from a rule is a
// change S3 is asked to make.
func lifecycle(rules []dsl.LifecycleRule) []any {
	out := make([]any, 0, len(rules))
	for _, r := range rules {
		rule := obj{{"ID", r.Name}, {"Status", "Enabled"}, {"Filter", obj{{"Prefix", r.Prefix}}}}
		rule.set("Expiration", orNullObj(r.ExpireAfterDays > 0, obj{{"Days", r.ExpireAfterDays}}))
		rule.set("NoncurrentVersionExpiration", orNullObj(r.NoncurrentExpireAfterDays > 0, obj{{"NoncurrentDays", r.NoncurrentExpireAfterDays}}))
		rule.set("AbortIncompleteMultipartUpload", orNullObj(r.AbortUploadsAfterDays > 0, obj{{"DaysAfterInitiation", r.AbortUploadsAfterDays}}))
		var transitions any
		if len(r.Transitions) > 0 {
			ts := make([]any, len(r.Transitions))
			for i, t := range r.Transitions {
				ts[i] = obj{{"Days", t.AfterDays}, {"StorageClass", t.StorageClass}}
			}
			transitions = ts
		}
		rule.set("Transitions", transitions)
		out = append(out, rule)
	}
	return out
}

// orNullObj is o when set holds, else nil (JSON null).
func orNullObj(set bool, o obj) any {
	if set {
		return o
	}
	return nil
}

func replication(r *dsl.Replication) obj {
	dest := r.DestinationBucket
	if !strings.HasPrefix(dest, "arn:") {
		dest = "arn:" + PlaceholderPartition + ":s3:::" + dest
	}
	destination := obj{{"Bucket", dest}, {"StorageClass", orNull(r.StorageClass)}}
	rule := obj{{"ID", "sluice"}, {"Status", "Enabled"}, {"Priority", 1},
		{"Filter", obj{{"Prefix", r.Prefix}}},
		{"DeleteMarkerReplication", obj{{"Status", "Disabled"}}},
		{"Destination", destination}}
	return obj{{"Role", r.Role}, {"Rules", []any{rule}}}
}

// dbInstance compiles a MetadataStore into an RDS PostgreSQL instance in
// the CreateDBInstance shape. RDS manages the master password in Secrets
// Manager: no password ever appears in a spec.
func (c *compiler) dbInstance(d *dsl.Document) {
	var s dsl.MetadataStoreSpec
	if !c.decode(d, &s) {
		return
	}
	phys := c.physical(ruleRDS(), d.Name)
	user := s.Username
	if user == "" {
		user = "sluice"
	}
	spec := obj{{"DBInstanceIdentifier", phys}, {"DBInstanceClass", s.InstanceClass}, {"Engine", "postgres"},
		{"EngineVersion", s.EngineVersion}, {"AllocatedStorage", s.StorageGiB}, {"MultiAZ", s.MultiAZ},
		{"MasterUsername", user}, {"ManageMasterUserPassword", true}, {"StorageEncrypted", true},
		{"PubliclyAccessible", false}}
	// Left out: no storage autoscaling (null: the backend turns it off),
	// RDS's default backup retention of one day, no deletion protection.
	if s.MaxStorageGiB > 0 {
		spec.set("MaxAllocatedStorage", s.MaxStorageGiB)
	} else {
		spec.set("MaxAllocatedStorage", nil)
	}
	retention := 1
	if s.BackupRetentionDays != nil {
		retention = *s.BackupRetentionDays
	}
	spec.set("BackupRetentionPeriod", retention)
	spec.set("DeletionProtection", derefBool(s.DeletionProtection))
	// Left out, these are what RDS chose at creation, and Sluice leaves
	// them as they are: they stay absent from the spec, with a note.
	var notes []sluice.Note
	keep := func(set bool, key string, v any, text string) {
		if set {
			spec.set(key, v)
		} else {
			notes = append(notes, sluice.Note{Key: key, Text: text})
		}
	}
	keep(s.StorageType != "", "StorageType", s.StorageType, noteStorageType)
	keep(s.Database != "", "DBName", s.Database, noteDatabase)
	keep(s.SubnetGroup != "", "DBSubnetGroupName", s.SubnetGroup, noteSubnetGroup)
	keep(len(s.SecurityGroups) > 0, "VpcSecurityGroupIds", sortedCopy(s.SecurityGroups), noteDBSecurityGroups)
	tags, ok := c.userTags(d, s.Tags)
	if !ok {
		return
	}
	c.emit(draft{typ: sluice.TypeDBInstance, name: d.Name, phys: phys, doc: d,
		retain: s.DeletionPolicy != string(sluice.DeletionDelete), tags: tags, spec: spec, notes: notes})
}

// What a plan says when a MetadataStore field Sluice leaves as it is was
// removed.
const (
	noteStorageType      = "storageType left out: Sluice leaves the instance's storage type as it is (RDS chose it at creation)"
	noteDatabase         = "database left out: Sluice leaves the instance's database as it is (RDS cannot drop or rename it)"
	noteSubnetGroup      = "subnetGroup left out: Sluice leaves the instance in its DB subnet group"
	noteDBSecurityGroups = "securityGroups left out: Sluice leaves the instance's security groups as they are (a new instance gets the VPC's default group)"
)

func derefBool(p *bool) bool { return p != nil && *p }
