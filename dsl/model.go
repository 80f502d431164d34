package dsl

// APIVersion is the only document version this release reads.
const APIVersion = "sluice.dev/v1"

// Document kinds.
const (
	KindProject            = "Project"
	KindPipeline           = "Pipeline"
	KindArtifactStore      = "ArtifactStore"
	KindComputeEnvironment = "ComputeEnvironment"
	KindMetadataStore      = "MetadataStore"
)

// Kinds lists every document kind, the Project first.
func Kinds() []string {
	return []string{KindProject, KindPipeline, KindArtifactStore, KindComputeEnvironment, KindMetadataStore}
}

// ProjectFile is the name of the project file at the repository root.
const ProjectFile = "sluice.yaml"

// DefaultFolder is where documents are looked for when the project file
// names no folder.
const DefaultFolder = "deploy"

// Metadata names a document.
type Metadata struct {
	Name        string            `json:"name"`
	Labels      map[string]string `json:"labels,omitempty"`
	Description string            `json:"description,omitempty"`
}

// ProjectSpec is the spec of the Project document: the project's name is
// its metadata.name, which prefixes every physical AWS name.
type ProjectSpec struct {
	Environments []string          `json:"environments"`
	Folder       string            `json:"folder,omitempty"`
	Defaults     Defaults          `json:"defaults,omitempty"`
	Tags         map[string]string `json:"tags,omitempty"`
}

// Defaults are project-wide values a Pipeline inherits when it says
// nothing itself.
type Defaults struct {
	Image         string            `json:"image,omitempty"`
	ArtifactStore string            `json:"artifactStore,omitempty"`
	Compute       string            `json:"compute,omitempty"`
	JobRole       string            `json:"jobRole,omitempty"`
	Resources     *Resources        `json:"resources,omitempty"`
	Retry         *Retry            `json:"retry,omitempty"`
	Timeout       string            `json:"timeout,omitempty"`
	RunTimeout    string            `json:"runTimeout,omitempty"`
	Env           map[string]string `json:"env,omitempty"`
}

// PipelineSpec describes an ML pipeline: its parameters, the defaults its
// steps share, and the steps as a graph.
type PipelineSpec struct {
	Template      *TemplateRef         `json:"template,omitempty"`
	Image         string               `json:"image,omitempty"`
	ArtifactStore string               `json:"artifactStore,omitempty"`
	Compute       string               `json:"compute,omitempty"`
	JobRole       string               `json:"jobRole,omitempty"`
	Parameters    map[string]Parameter `json:"parameters,omitempty"`
	Resources     *Resources           `json:"resources,omitempty"`
	Retry         *Retry               `json:"retry,omitempty"`
	Timeout       string               `json:"timeout,omitempty"`
	RunTimeout    string               `json:"runTimeout,omitempty"`
	Env           map[string]string    `json:"env,omitempty"`
	Secrets       map[string]string    `json:"secrets,omitempty"`
	Volumes       []Volume             `json:"volumes,omitempty"`
	Schedule      *Schedule            `json:"schedule,omitempty"`
	Steps         []Step               `json:"steps"`
	Tags          map[string]string    `json:"tags,omitempty"`
}

// TemplateRef makes a Pipeline an instance of an embedded template.
type TemplateRef struct {
	Name   string         `json:"name"`
	Values map[string]any `json:"values,omitempty"`
}

// Parameter is a typed pipeline parameter.
type Parameter struct {
	Type        string `json:"type"`
	Default     any    `json:"default,omitempty"`
	Required    bool   `json:"required,omitempty"`
	Description string `json:"description,omitempty"`
}

// Parameter types.
const (
	ParamString  = "string"
	ParamInteger = "integer"
	ParamNumber  = "number"
	ParamBoolean = "boolean"
	ParamList    = "list"
	ParamObject  = "object"
)

// Resources a step's container gets.
type Resources struct {
	CPU          float64  `json:"cpu,omitempty"`
	Memory       Quantity `json:"memory,omitempty"`
	GPU          int      `json:"gpu,omitempty"`
	SharedMemory Quantity `json:"sharedMemory,omitempty"`
}

// Retry says how a failed step is tried again.
type Retry struct {
	// Attempts is how many times the step is tried again after its first
	// try (Step Functions' MaxAttempts); 0 means never.
	Attempts int      `json:"attempts"`
	Delay    string   `json:"delay,omitempty"`
	Backoff  float64  `json:"backoff,omitempty"`
	MaxDelay string   `json:"maxDelay,omitempty"`
	Jitter   bool     `json:"jitter,omitempty"`
	Errors   []string `json:"errors,omitempty"`
}

// Volume mounts an EFS file system into a step's container.
type Volume struct {
	Name          string `json:"name"`
	FileSystem    string `json:"fileSystem"`
	RootDirectory string `json:"rootDirectory,omitempty"`
	AccessPoint   string `json:"accessPoint,omitempty"`
	MountPath     string `json:"mountPath"`
	ReadOnly      bool   `json:"readOnly,omitempty"`
}

// Schedule starts the pipeline on a cron or rate expression.
type Schedule struct {
	Cron       string         `json:"cron,omitempty"`
	Rate       string         `json:"rate,omitempty"`
	Timezone   string         `json:"timezone,omitempty"`
	Enabled    *bool          `json:"enabled,omitempty"`
	Parameters map[string]any `json:"parameters,omitempty"`
}

// Step is one node of a pipeline's graph. At most one of Next, Split,
// Foreach and Switch says where the pipeline goes after it; none means the
// pipeline (or the branch it is in) ends there.
type Step struct {
	Name      string            `json:"name"`
	Command   Command           `json:"command,omitempty"`
	Image     string            `json:"image,omitempty"`
	Compute   string            `json:"compute,omitempty"`
	Resources *Resources        `json:"resources,omitempty"`
	Retry     *Retry            `json:"retry,omitempty"`
	Timeout   string            `json:"timeout,omitempty"`
	Env       map[string]string `json:"env,omitempty"`
	Secrets   map[string]string `json:"secrets,omitempty"`
	Volumes   []Volume          `json:"volumes,omitempty"`
	Next      string            `json:"next,omitempty"`
	Split     *Split            `json:"split,omitempty"`
	Foreach   *Foreach          `json:"foreach,omitempty"`
	Switch    *Switch           `json:"switch,omitempty"`
	OnFailure string            `json:"onFailure,omitempty"`
}

// Split runs several branches at once after a step; they meet again at
// Join.
type Split struct {
	Branches []string `json:"branches"`
	Join     string   `json:"join"`
}

// Foreach runs the Step body once per item of a list; the copies meet
// again at Join. Over is "parameters.NAME" or "outputs.KEY" (a list the
// step wrote to its outputs).
type Foreach struct {
	Over        string `json:"over"`
	Step        string `json:"step"`
	Join        string `json:"join"`
	Concurrency int    `json:"concurrency,omitempty"`
	Mode        string `json:"mode,omitempty"`
}

// Foreach modes: inline runs the copies inside the execution (up to 40 at
// once), distributed runs them as child executions reading items from S3.
const (
	ForeachInline      = "inline"
	ForeachDistributed = "distributed"
)

// Switch picks the next step from a value the step wrote to its outputs.
type Switch struct {
	On      string            `json:"on"`
	Cases   map[string]string `json:"cases"`
	Default string            `json:"default,omitempty"`
}

// ArtifactStoreSpec is an S3 bucket for artifacts.
type ArtifactStoreSpec struct {
	Versioning        *bool             `json:"versioning,omitempty"`
	Encryption        *Encryption       `json:"encryption,omitempty"`
	PublicAccessBlock *bool             `json:"publicAccessBlock,omitempty"`
	Lifecycle         []LifecycleRule   `json:"lifecycle,omitempty"`
	Replication       *Replication      `json:"replication,omitempty"`
	Tags              map[string]string `json:"tags,omitempty"`
	DeletionPolicy    string            `json:"deletionPolicy,omitempty"`
}

// Encryption is a bucket's default encryption.
type Encryption struct {
	Type   string `json:"type"`
	KMSKey string `json:"kmsKey,omitempty"`
}

// LifecycleRule expires or moves objects under a prefix.
type LifecycleRule struct {
	Name                      string       `json:"name"`
	Prefix                    string       `json:"prefix,omitempty"`
	ExpireAfterDays           int          `json:"expireAfterDays,omitempty"`
	NoncurrentExpireAfterDays int          `json:"noncurrentExpireAfterDays,omitempty"`
	AbortUploadsAfterDays     int          `json:"abortUploadsAfterDays,omitempty"`
	Transitions               []Transition `json:"transitions,omitempty"`
}

// Transition moves objects to another storage class after some days.
type Transition struct {
	AfterDays    int    `json:"afterDays"`
	StorageClass string `json:"storageClass"`
}

// Replication copies objects to a bucket in another region.
type Replication struct {
	Role              string `json:"role"`
	DestinationBucket string `json:"destinationBucket"`
	StorageClass      string `json:"storageClass,omitempty"`
	Prefix            string `json:"prefix,omitempty"`
}

// ComputeEnvironmentSpec is AWS Batch compute with its job queue.
type ComputeEnvironmentSpec struct {
	Type               string            `json:"type"`
	InstanceTypes      []string          `json:"instanceTypes,omitempty"`
	MinVCPUs           int               `json:"minVcpus,omitempty"`
	MaxVCPUs           int               `json:"maxVcpus"`
	AllocationStrategy string            `json:"allocationStrategy,omitempty"`
	SpotBidPercentage  int               `json:"spotBidPercentage,omitempty"`
	Subnets            []string          `json:"subnets,omitempty"`
	SecurityGroups     []string          `json:"securityGroups,omitempty"`
	InstanceRole       string            `json:"instanceRole,omitempty"`
	ServiceRole        string            `json:"serviceRole,omitempty"`
	QueuePriority      int               `json:"queuePriority,omitempty"`
	Tags               map[string]string `json:"tags,omitempty"`
}

// MetadataStoreSpec is an RDS PostgreSQL instance.
type MetadataStoreSpec struct {
	InstanceClass       string            `json:"instanceClass"`
	EngineVersion       string            `json:"engineVersion"`
	StorageGiB          int               `json:"storageGiB"`
	MaxStorageGiB       int               `json:"maxStorageGiB,omitempty"`
	StorageType         string            `json:"storageType,omitempty"`
	MultiAZ             bool              `json:"multiAZ,omitempty"`
	BackupRetentionDays *int              `json:"backupRetentionDays,omitempty"`
	DeletionProtection  *bool             `json:"deletionProtection,omitempty"`
	Database            string            `json:"database,omitempty"`
	Username            string            `json:"username,omitempty"`
	SubnetGroup         string            `json:"subnetGroup,omitempty"`
	SecurityGroups      []string          `json:"securityGroups,omitempty"`
	Tags                map[string]string `json:"tags,omitempty"`
	DeletionPolicy      string            `json:"deletionPolicy,omitempty"`
}
