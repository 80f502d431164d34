package quotaproxy

import (
	"net/http"
	"strings"
)

// s3Subresources maps the S3 query subresources Sluice uses to the
// operation-name stem: GET ?tagging is GetBucketTagging.
func s3Subresources() map[string]string {
	return map[string]string{
		"tagging": "BucketTagging", "versioning": "BucketVersioning", "encryption": "BucketEncryption",
		"publicAccessBlock": "PublicAccessBlock", "lifecycle": "BucketLifecycleConfiguration",
		"replication": "BucketReplication", "policy": "BucketPolicy", "ownershipControls": "BucketOwnershipControls",
		"location": "BucketLocation", "acl": "BucketAcl", "cors": "BucketCors",
	}
}

// s3Verbs maps HTTP methods to the verbs of S3 operation names.
func s3Verbs() map[string]string {
	return map[string]string{http.MethodGet: "Get", http.MethodPut: "Put", http.MethodDelete: "Delete", http.MethodHead: "Head"}
}

// s3Operation names a path-style S3 call: a subresource operation
// (GET /b?tagging), a bucket operation (HEAD, PUT, DELETE /b), ListBuckets
// (GET /) or an object operation (GetObject, PutObject...).
func s3Operation(r *http.Request) string {
	verb := s3Verbs()[r.Method]
	path := strings.Trim(r.URL.Path, "/")
	switch {
	case path == "":
		return "ListBuckets"
	case strings.Contains(path, "/"):
		return verb + "Object"
	}
	q := r.URL.Query()
	for key, stem := range s3Subresources() {
		if q.Has(key) {
			return verb + stem
		}
	}
	switch r.Method {
	case http.MethodPut:
		return "CreateBucket"
	case http.MethodGet:
		return "ListObjectsV2"
	}
	return verb + "Bucket"
}
