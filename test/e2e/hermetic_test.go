package e2e

import (
	"os"
	"testing"
)

// xdgConfigHome is the XDG_CONFIG_HOME every plugin run of the tests
// sees: empty, so that no configuration file of the user running them
// changes an audit (check reads $XDG_CONFIG_HOME/kubectl-dualstack/config.yaml).
var xdgConfigHome string

func TestMain(m *testing.M) {
	var err error
	if xdgConfigHome, err = os.MkdirTemp("", "kubectl-dualstack-xdg-"); err != nil {
		panic(err)
	}
	os.Setenv("XDG_CONFIG_HOME", xdgConfigHome)
	code := m.Run()
	os.RemoveAll(xdgConfigHome)
	os.Exit(code)
}
