package s3_test

// fakeS3 is an S3 endpoint at the HTTP layer (REST-XML, path-style) for
// what kumo cannot test: kumo does not support Put/GetBucketReplication
// (it takes them for CreateBucket) and its DeleteBucketReplication deletes
// the bucket. It covers HeadBucket, CreateBucket, Get/PutBucketTagging,
// Get/PutBucketVersioning and Get/PutBucketReplication, as AWS documents
// them: GetBucketReplication of a bucket without one is 404
// ReplicationConfigurationNotFoundError; DeleteBucketReplication removes
// the configuration and answers 204 No Content, also when there is none
// (S3 API reference, DeleteBucketReplication: "Deletes the replication
// configuration from the bucket"); PutBucketReplication is refused
// (400 InvalidRequest) unless versioning is Enabled, and (400
// MalformedXML) without a Role or a rule with a destination; CreateBucket
// of a taken name is 409 BucketAlreadyOwnedByYou; a missing bucket is 404
// NoSuchBucket (HeadBucket: bare 404).

import (
	"encoding/xml"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
)

type fakeBucket struct {
	location    string // the CreateBucket LocationConstraint
	versioning  string
	tags        []fakeTag
	replication *replicationConfig
}

type fakeTag struct {
	Key   string `xml:"Key"`
	Value string `xml:"Value"`
}

type tagging struct {
	XMLName xml.Name  `xml:"Tagging"`
	TagSet  []fakeTag `xml:"TagSet>Tag"`
}

type versioningConfig struct {
	XMLName xml.Name `xml:"VersioningConfiguration"`
	Status  string   `xml:"Status,omitempty"`
}

type replicationConfig struct {
	XMLName xml.Name          `xml:"ReplicationConfiguration"`
	Role    string            `xml:"Role"`
	Rules   []replicationRule `xml:"Rule"`
}

type replicationRule struct {
	ID                      string                    `xml:"ID,omitempty"`
	Priority                *int                      `xml:"Priority,omitempty"`
	Status                  string                    `xml:"Status"`
	Filter                  *struct{ Prefix *string } `xml:"Filter,omitempty"`
	DeleteMarkerReplication *struct{ Status string }  `xml:"DeleteMarkerReplication,omitempty"`
	Destination             struct {
		Bucket       string `xml:"Bucket"`
		StorageClass string `xml:"StorageClass,omitempty"`
	} `xml:"Destination"`
}

type fakeS3 struct {
	mu      sync.Mutex
	buckets map[string]*fakeBucket
}

// startFakeS3 serves a fakeS3 for the test and returns it with its URL.
func startFakeS3(t *testing.T) (*fakeS3, string) {
	t.Helper()
	f := &fakeS3{buckets: map[string]*fakeBucket{}}
	srv := httptest.NewServer(f)
	t.Cleanup(srv.Close)
	return f, srv.URL
}

func (f *fakeS3) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	defer f.mu.Unlock()
	name := strings.Trim(r.URL.Path, "/")
	q := r.URL.Query()
	b := f.buckets[name]
	switch {
	case r.Method == http.MethodPut && len(q) == 0 || r.Method == http.MethodPut && q.Has("x-id") && len(q) == 1:
		f.create(w, r, name)
	case b == nil && r.Method == http.MethodHead:
		w.WriteHeader(http.StatusNotFound)
	case b == nil:
		s3Error(w, http.StatusNotFound, "NoSuchBucket", "The specified bucket does not exist")
	case r.Method == http.MethodHead:
		w.WriteHeader(http.StatusOK)
	case q.Has("tagging"):
		f.tagging(w, r, b)
	case q.Has("versioning"):
		f.versioning(w, r, b)
	case q.Has("replication"):
		f.replication(w, r, b)
	default:
		s3Error(w, http.StatusNotImplemented, "NotImplemented", "fakeS3 does not implement "+r.Method+" "+r.URL.String())
	}
}

func (f *fakeS3) create(w http.ResponseWriter, r *http.Request, name string) {
	if f.buckets[name] != nil {
		s3Error(w, http.StatusConflict, "BucketAlreadyOwnedByYou", "Your previous request to create the named bucket succeeded and you already own it.")
		return
	}
	var cfg struct {
		LocationConstraint string `xml:"LocationConstraint"`
	}
	if r.ContentLength > 0 && !decode(w, r, &cfg) {
		return
	}
	f.buckets[name] = &fakeBucket{location: cfg.LocationConstraint}
	w.Header().Set("Location", "/"+name)
	w.WriteHeader(http.StatusOK)
}

func (f *fakeS3) tagging(w http.ResponseWriter, r *http.Request, b *fakeBucket) {
	if r.Method == http.MethodPut {
		var in tagging
		if !decode(w, r, &in) {
			return
		}
		b.tags = in.TagSet
		w.WriteHeader(http.StatusNoContent)
		return
	}
	if len(b.tags) == 0 {
		s3Error(w, http.StatusNotFound, "NoSuchTagSet", "The TagSet does not exist")
		return
	}
	writeXML(w, tagging{TagSet: b.tags})
}

func (f *fakeS3) versioning(w http.ResponseWriter, r *http.Request, b *fakeBucket) {
	if r.Method == http.MethodPut {
		var in versioningConfig
		if !decode(w, r, &in) {
			return
		}
		b.versioning = in.Status
		w.WriteHeader(http.StatusOK)
		return
	}
	writeXML(w, versioningConfig{Status: b.versioning})
}

func (f *fakeS3) replication(w http.ResponseWriter, r *http.Request, b *fakeBucket) {
	if r.Method == http.MethodGet {
		if b.replication == nil {
			s3Error(w, http.StatusNotFound, "ReplicationConfigurationNotFoundError", "The replication configuration was not found")
			return
		}
		writeXML(w, b.replication)
		return
	}
	if r.Method == http.MethodDelete {
		b.replication = nil
		w.WriteHeader(http.StatusNoContent)
		return
	}
	if r.Method != http.MethodPut {
		s3Error(w, http.StatusNotImplemented, "NotImplemented", "fakeS3 does not implement "+r.Method+" ?replication")
		return
	}
	var in replicationConfig
	if !decode(w, r, &in) {
		return
	}
	switch {
	case b.versioning != "Enabled":
		s3Error(w, http.StatusBadRequest, "InvalidRequest", "Versioning must be 'Enabled' on the bucket to apply a replication configuration")
	case in.Role == "" || len(in.Rules) == 0 || !destinations(in.Rules):
		s3Error(w, http.StatusBadRequest, "MalformedXML", "The XML you provided was not well-formed or did not validate against our published schema")
	default:
		b.replication = &in
		w.WriteHeader(http.StatusOK)
	}
}

func destinations(rules []replicationRule) bool {
	for _, r := range rules {
		if r.Destination.Bucket == "" || r.Filter != nil && r.DeleteMarkerReplication == nil {
			return false
		}
	}
	return true
}

func decode(w http.ResponseWriter, r *http.Request, v any) bool {
	body, err := io.ReadAll(r.Body)
	if err == nil {
		err = xml.Unmarshal(body, v)
	}
	if err != nil {
		s3Error(w, http.StatusBadRequest, "MalformedXML", err.Error())
		return false
	}
	return true
}

func writeXML(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/xml")
	_, _ = io.WriteString(w, xml.Header)
	_ = xml.NewEncoder(w).Encode(v)
}

func s3Error(w http.ResponseWriter, status int, code, msg string) {
	w.Header().Set("Content-Type", "application/xml")
	w.WriteHeader(status)
	_, _ = io.WriteString(w, xml.Header+"<Error><Code>"+code+"</Code><Message>"+msg+"</Message><RequestId>fake</RequestId></Error>")
}
