// Package templates holds the ML pipeline templates the platform team
// offers, embedded in the binary: data-processing, training,
// batch-prediction and model-deployment.
//
// Each template is a folder that is a complete repository scaffold:
// sluice.yaml (the Project), deploy/pipeline.yaml (the Pipeline),
// deploy/stores.yaml (ArtifactStore, MetadataStore), deploy/compute.yaml
// (ComputeEnvironments), steps/ (the step programs, Python 3 standard
// library), README.md and .gitignore. Beside them, template.yaml describes
// the template and declares its values; it is not part of a scaffold.
//
// # Values
//
// template.yaml declares each value with a type (string, integer, number,
// boolean, list or object, as for pipeline parameters), a description, and
// either a default or required: true with an example:
//
//	values:
//	  image: {type: string, required: true, example: 123456789012.dkr.ecr.us-east-1.amazonaws.com/training:latest, description: ...}
//	  learningRates: {type: list, default: [0.01, 0.1], description: ...}
//
// The template's files use a value as ${values.NAME}. A string that is
// exactly one placeholder takes the value with its type (write it quoted in
// YAML, "${values.learningRates}", so flow mappings stay valid); a
// placeholder inside a longer string is replaced by the value's text (lists
// and objects cannot go inside a string). Map keys are never substituted,
// and no other ${...} form is special, so shell variables in commands are
// left alone. ${project} is the project name; it is for scaffolds only and
// must not appear in the Pipeline's spec.
//
// # Step programs
//
// The steps run Python 3 programs from steps/ (standard library only;
// boto3 when the prefixes are s3:// URIs, as on AWS). steps/sluice_step.py,
// identical in every template, reads the context the compiler puts in the
// environment (SLUICE_RUN_ID, SLUICE_PARAMETERS and SLUICE_FOREACH_ITEM as
// JSON, SLUICE_OUTPUT, SLUICE_ARTIFACTS, SLUICE_PARENTS as a JSON list of
// prefixes, SLUICE_FOREACH_INDEX, ...), writes artifacts under the step's
// own prefix, and finds what earlier steps wrote: in the parents' prefixes
// first (recursively, so a join sees every foreach copy), then anywhere in
// the run. A step whose value a switch or foreach reads writes it to
// outputs.json at the top of its prefix. A step that cannot do its job
// exits non-zero with a message.
//
// # Scaffolds and references
//
// Scaffold (sluice init) writes the files with ${project} and every value
// replaced by its default, or its example when it is required: the
// scaffolded deploy/pipeline.yaml is the full pipeline, for people to edit.
//
// A Pipeline may instead reference a template and fill its values:
//
//	spec:
//	  template: {name: training, values: {image: ..., learningRates: [0.1, 0.3]}}
//
// Instantiate returns the template Pipeline's spec with the values
// substituted; the loader merges the document's own spec over it. The
// template's per-environment overrides are not carried over: the
// referencing document declares its own. Mistakes in a reference (unknown
// template, unknown, missing or mistyped value) are *Error values with a
// stable code.
package templates
