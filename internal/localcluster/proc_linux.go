package localcluster

import "syscall"

// childProcAttr puts each component in its own process group, so a Ctrl-C at
// the terminal reaches only the launcher, which then stops the components in
// order, and has the kernel kill the component if the launcher itself dies
// (SIGKILL, a test timeout), so that no orphan ever keeps a port bound.
func childProcAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
}
