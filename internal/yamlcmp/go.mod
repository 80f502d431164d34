module github.com/sluice-dev/sluice/internal/yamlcmp

go 1.26

require (
	github.com/goccy/go-yaml v1.19.2
	gopkg.in/yaml.v3 v3.0.1
)
