// Package check audits a cluster's dual-stack configuration against the
// rules Kubernetes itself enforces. A gatherer (package live for a cluster,
// package files for configuration files) fills Facts; Run applies the rules
// of the registry (Rules) to them and returns Findings; package report
// renders those. Rules never know where facts came from.
//
// Each area's rules live in rules_<area>.go, each rule's value directly
// above its check function, its tests in rules_<area>_test.go. A new rule
// joins its area's list; TestMain fails until a test makes it fail, and
// `make readme` documents it in docs/rules.md.
package check
