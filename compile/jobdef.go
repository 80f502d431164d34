package compile

import (
	"slices"
	"strconv"
	"strings"

	"github.com/sluice-dev/sluice"
	"github.com/sluice-dev/sluice/dsl"
)

// jobDef is one Batch job definition of a pipeline, shared by every step
// whose container is the same.
type jobDef struct {
	name string // logical: "<pipeline>.<first step using it>"
	phys string
	// enc is the spec's canonical JSON without its name, which goes at
	// mid (keys sort "containerProperties" < "jobDefinitionName" < the
	// rest); empty when only findings are wanted.
	enc string
	mid int
}

// jobDefinitions gives every step a job definition, sharing one between
// steps whose containers are identical (commands differ freely: they go
// in the Task's ContainerOverrides). A spec is encoded once: to find
// identical containers, and as the resource's spec.
func (p *pipe) jobDefinitions() {
	byKey := make(map[string]*jobDef, len(p.g.Steps))
	byShape := make(map[containerShape]*jobDef, len(p.g.Steps))
	var buf []byte
	for _, n := range p.g.Steps {
		sc := p.steps[n]
		shape, inherits := sc.shape()
		if jd := byShape[shape]; inherits && jd != nil {
			sc.jobDef = jd
			continue
		}
		var mid int
		buf, mid = p.encodeJobDef(buf[:0], sc)
		if jd, ok := byKey[string(buf)]; ok {
			sc.jobDef = jd
			continue
		}
		key := string(buf)
		jd := &jobDef{name: p.name + "." + n.Name, phys: p.c.physical(ruleBatch(), p.name+"_"+n.Name), mid: mid}
		if !p.c.in.FindingsOnly {
			jd.enc = key
		}
		byKey[key] = jd
		p.defs = append(p.defs, jd)
		sc.jobDef = jd
		if inherits {
			byShape[shape] = jd
		}
	}
}

// encodeJobDef appends the canonical JSON of the step's job definition,
// without jobDefinitionName, and returns where that name goes.
func (p *pipe) encodeJobDef(buf []byte, sc *stepConf) ([]byte, int) {
	buf = append(buf, `{"containerProperties":`...)
	buf = writeObj(buf, p.container(sc))
	mid := len(buf)
	buf = writeObj(buf, p.jobDefSpec(sc))
	buf[mid] = ',' // the rest's opening brace
	return buf, mid
}

// containerShape is what tells apart the containers of steps that take
// env, secrets and volumes from the pipeline unchanged: two such steps
// with one shape have identical containers, so the job definition is
// found without encoding one.
type containerShape struct {
	image, jobRole string
	compute        *computeInfo
	res            dsl.Resources
	timeout        int
}

// shape returns the step's container shape, and whether it identifies the
// container (the step inherits env, secrets and volumes).
func (sc *stepConf) shape() (containerShape, bool) {
	st := sc.n.Step
	inherits := len(st.Env) == 0 && len(st.Secrets) == 0 && len(st.Volumes) == 0
	return containerShape{image: sc.image, jobRole: sc.jobRole, compute: sc.compute, res: sc.res, timeout: sc.timeout}, inherits
}

// jobDefSpec is the RegisterJobDefinition input for a step's container,
// without jobDefinitionName and containerProperties (p.container).
// Retries happen in Step Functions, so Batch tries each job once.
func (p *pipe) jobDefSpec(sc *stepConf) obj {
	var platform any = literalJSON(`["EC2"]`)
	if sc.compute.fargate {
		platform = literalJSON(`["FARGATE"]`)
	}
	spec := make(obj, 0, 5)
	spec = append(spec, kv{"type", "container"}, kv{"platformCapabilities", platform}, kv{"propagateTags", true},
		kv{"retryStrategy", literalJSON(`{"attempts":1}`)})
	var timeout any // null: no Batch timeout
	if sc.timeout > 0 {
		timeout = obj{{"attemptDurationSeconds", max(sc.timeout, minBatchTimeout)}}
	}
	spec.set("timeout", timeout)
	return spec
}

func (p *pipe) container(sc *stepConf) obj {
	// Room for every member it may get: growing it was a tenth of what
	// a compilation allocated.
	c := make(obj, 0, 9)
	c = append(c, kv{"image", sc.image}, kv{"resourceRequirements", resourceRequirements(sc.res)},
		kv{"environment", p.containerEnv(sc)})
	// What a step leaves out is null, not absent: a revision is
	// compared with the desired definition field by field, and a field
	// only the registered revision has must count as a difference.
	var secrets, volumes, mounts, linux any
	if len(sc.secrets) > 0 {
		secrets = p.secrets(sc)
	}
	if len(sc.volumes) > 0 {
		volumes, mounts = p.volumes(sc)
	}
	if !sc.compute.fargate && sc.res.SharedMemory > 0 {
		linux = obj{{"sharedMemorySize", sc.res.SharedMemory.MiB()}}
	}
	c.set("jobRoleArn", orNull(sc.jobRole))
	c.set("secrets", secrets)
	c.set("volumes", volumes)
	c.set("mountPoints", mounts)
	if sc.compute.fargate {
		c.set("executionRoleArn", sc.jobRole)
		c.set("networkConfiguration", obj{{"assignPublicIp", "ENABLED"}})
	} else {
		c.set("linuxParameters", linux)
	}
	return c
}

// orNull is s, or nil (JSON null) when s is empty.
func orNull(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// resourceRequirements is a container's GPU (when it has any), memory
// and vCPU requirements, written as Batch's list of {type, value}.
type resourceRequirements dsl.Resources

// writeTo appends the canonical JSON of the requirements: in type order,
// each object's keys sorted, without building the list of objects.
func (r resourceRequirements) writeTo(buf []byte) []byte {
	buf = append(buf, '[')
	if r.GPU > 0 {
		buf = append(buf, `{"type":"GPU","value":"`...)
		buf = strconv.AppendInt(buf, int64(r.GPU), 10)
		buf = append(buf, `"},`...)
	}
	buf = append(buf, `{"type":"MEMORY","value":"`...)
	buf = strconv.AppendInt(buf, dsl.Resources(r).Memory.MiB(), 10)
	buf = append(buf, `"},{"type":"VCPU","value":"`...)
	buf = strconv.AppendFloat(buf, r.CPU, 'f', -1, 64)
	return append(buf, `"}]`...)
}

// containerEnv is the static environment of a step's container: its own
// env and the pipeline's, and what every step of the pipeline shares.
// What differs per step or per run is set in the Task's overrides.
func (p *pipe) containerEnv(sc *stepConf) nameValues {
	out := make(nameValues, 0, len(sc.env)+len(sc.ownEnv)+3)
	for k, v := range sc.env {
		if _, over := sc.ownEnv[k]; !over && !sluiceContainerVar(k) {
			out = append(out, nameValue{k, v})
		}
	}
	for k, v := range sc.ownEnv {
		if !sluiceContainerVar(k) {
			out = append(out, nameValue{k, v})
		}
	}
	// Sluice's own variables win over a step's of the same name.
	out = append(out, nameValue{"SLUICE_ENVIRONMENT", p.c.in.Env}, nameValue{"SLUICE_PIPELINE", p.name},
		nameValue{"SLUICE_PROJECT", p.c.project})
	slices.SortFunc(out, func(a, b nameValue) int { return strings.Compare(a.name, b.name) })
	return out
}

// sluiceContainerVar reports whether name is one of the variables
// containerEnv sets for every container.
func sluiceContainerVar(name string) bool {
	return name == "SLUICE_ENVIRONMENT" || name == "SLUICE_PIPELINE" || name == "SLUICE_PROJECT"
}

// nameValue is one {"name", "value"} member of a list Batch takes (a
// container's environment; its secrets, whose value is "valueFrom").
type nameValue struct{ name, value string }

// nameValues is written as a JSON list of {"name": …, "value": …}
// objects, in its own order.
type nameValues []nameValue

func (l nameValues) writeTo(buf []byte) []byte { return writeNameValues(buf, l, `,"value":`) }

// secretList is written as a JSON list of {"name": …, "valueFrom": …}
// objects, in its own order.
type secretList []nameValue

func (l secretList) writeTo(buf []byte) []byte { return writeNameValues(buf, l, `,"valueFrom":`) }

// writeNameValues writes l as a list of two-member objects; the name
// sorts before the value's key, so the members are in canonical order.
func writeNameValues(buf []byte, l []nameValue, valueKey string) []byte {
	buf = append(buf, '[')
	for i, v := range l {
		if i > 0 {
			buf = append(buf, ',')
		}
		buf = append(buf, `{"name":`...)
		buf = writeString(buf, v.name)
		buf = append(buf, valueKey...)
		buf = writeString(buf, v.value)
		buf = append(buf, '}')
	}
	return append(buf, ']')
}

// secrets turns "ssm:NAME" and "secretsmanager:NAME" references into
// what Batch accepts: an SSM parameter name or ARN, or a Secrets Manager
// ARN (a partial one, completed by Secrets Manager, when given a name).
func (p *pipe) secrets(sc *stepConf) secretList {
	out := make(secretList, 0, len(sc.secrets))
	for _, k := range sortedKeys(sc.secrets) {
		ref, ok := secretRef(sc.secrets[k])
		if !ok {
			p.failOnce(p.secretPos(sc.n, k), "pipeline.secret",
				"secret %s is not a reference (its value is not shown: it may be the secret itself); write ssm:/path/to/parameter or secretsmanager:name-or-arn",
				k)
			continue
		}
		out = append(out, nameValue{k, ref})
	}
	return out
}

func secretRef(v string) (string, bool) {
	if name, ok := strings.CutPrefix(v, "ssm:"); ok && name != "" {
		return name, true
	}
	if name, ok := strings.CutPrefix(v, "secretsmanager:"); ok && name != "" {
		if strings.HasPrefix(name, "arn:") {
			return name, true
		}
		return "arn:" + PlaceholderPartition + ":secretsmanager:" + PlaceholderRegion + ":" + PlaceholderAccount + ":secret:" + name, true
	}
	return "", false
}

// volumes mounts EFS file systems, encrypted in transit (required with an
// access point, and the right default without).
func (p *pipe) volumes(sc *stepConf) (volumes, mounts []any) {
	for _, v := range sc.volumes {
		efs := obj{{"fileSystemId", v.FileSystem}, {"transitEncryption", "ENABLED"}}
		if v.AccessPoint != "" {
			efs.set("authorizationConfig", obj{{"accessPointId", v.AccessPoint}})
			if v.RootDirectory != "" && v.RootDirectory != "/" {
				p.failOnce(p.volumePos(sc.n, v.Name, "rootDirectory"), "pipeline.volume",
					"volume %q sets both accessPoint and rootDirectory %q; with an access point the root directory is the access point's: remove rootDirectory",
					v.Name, v.RootDirectory)
			}
		} else if v.RootDirectory != "" {
			efs.set("rootDirectory", v.RootDirectory)
		}
		volumes = append(volumes, obj{{"name", v.Name}, {"efsVolumeConfiguration", efs}})
		mounts = append(mounts, obj{{"sourceVolume", v.Name}, {"containerPath", v.MountPath}, {"readOnly", v.ReadOnly}})
	}
	return volumes, mounts
}

// jobDefResource is the desired resource of a job definition: its
// encoded spec with the name spliced in.
func (p *pipe) jobDefResource(jd *jobDef) draft {
	var spec rawJSON
	if jd.enc != "" {
		spec = make(rawJSON, 0, len(jd.enc)+len(jd.phys)+24)
		spec = append(spec, jd.enc[:jd.mid]...)
		spec = append(spec, `,"jobDefinitionName":`...)
		spec = writeString(spec, jd.phys)
		spec = append(spec, jd.enc[jd.mid:]...)
	}
	return draft{typ: sluice.TypeJobDefinition, name: jd.name, phys: jd.phys, doc: p.doc, tags: p.tags, spec: spec}
}
