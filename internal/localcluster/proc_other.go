//go:build !linux

package localcluster

import "syscall"

// childProcAttr: the local cluster is Linux test infrastructure; elsewhere the
// components simply share the launcher's process group.
func childProcAttr() *syscall.SysProcAttr { return nil }
