// Command sluice validates, compiles, plans and deploys ML pipelines
// described in a Git repository. Each subcommand lives in its own file.
package main

import "os"

func main() { os.Exit(run(os.Args[1:], os.Stdout, os.Stderr)) }
