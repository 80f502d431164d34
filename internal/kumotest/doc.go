// Package kumotest runs the kumo AWS emulator for tests: Start launches
// it on a free local port for the duration of one test and gives an AWS
// configuration pointed at it.
//
// kumo answers most of what Sluice needs correctly and some of it wrongly
// (see the project's notes on kumo): use it for what it does right, and
// assert on effects read back, not on a call's success alone.
package kumotest
