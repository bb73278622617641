package cmd

import (
	"os"
	"testing"
)

// TestMain keeps the tests from reading the configuration file of the
// user running them: check looks for one under $XDG_CONFIG_HOME.
func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "kubectl-dualstack-xdg-")
	if err != nil {
		panic(err)
	}
	os.Setenv("XDG_CONFIG_HOME", dir)
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}
