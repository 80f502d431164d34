module github.com/sluice-dev/sluice/internal/yamlcmp

go 1.26.8

require (
	github.com/goccy/go-yaml v1.19.2
	github.com/sluice-dev/sluice v0.0.0
	gopkg.in/yaml.v3 v3.0.1
)

replace github.com/sluice-dev/sluice => ../..
