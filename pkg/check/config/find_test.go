package config

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func writeFile(t *testing.T, path, text string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestLoadSearchOrder: --config, else the working directory's file, else
// the XDG one; nothing found configures nothing.
func TestLoadSearchOrder(t *testing.T) {
	work, xdg, home := t.TempDir(), t.TempDir(), t.TempDir()
	t.Chdir(work)
	t.Setenv("XDG_CONFIG_HOME", xdg)
	t.Setenv("HOME", home)
	load := func() *Config {
		t.Helper()
		c, err := Load("")
		if err != nil {
			t.Fatal(err)
		}
		return c
	}

	if c := load(); c.Path != "" || c.Expect != "" {
		t.Errorf("no file: %+v", c)
	}
	homeFile := filepath.Join(home, ".config", "kubectl-dualstack", "config.yaml")
	writeFile(t, homeFile, header+"expect: ipv6\n")
	if c := load(); c.Path != "" {
		t.Errorf("~/.config read while XDG_CONFIG_HOME is set: %+v", c)
	}
	xdgFile := filepath.Join(xdg, "kubectl-dualstack", "config.yaml")
	writeFile(t, xdgFile, header+"expect: ipv4\n")
	if c := load(); c.Path != xdgFile || c.Expect != "ipv4" {
		t.Errorf("XDG file: %+v", c)
	}
	writeFile(t, filepath.Join(work, WorkingDirFile), header+"expect: dual\n")
	if c := load(); c.Path != WorkingDirFile || c.Expect != "dual" {
		t.Errorf("working directory's file: %+v", c)
	}
	explicit := filepath.Join(t.TempDir(), "ci.yaml")
	writeFile(t, explicit, header+"failOn: never\n")
	if c, err := Load(explicit); err != nil || c.Path != explicit || c.FailOn != "never" || c.Expect != "" {
		t.Errorf("--config: %+v, %v", c, err)
	}

	// XDG_CONFIG_HOME unset, or relative (ignored, as the XDG
	// specification says): ~/.config.
	os.Remove(filepath.Join(work, WorkingDirFile))
	for _, value := range []string{"", "relative/dir"} {
		t.Setenv("XDG_CONFIG_HOME", value)
		if c := load(); c.Path != homeFile || c.Expect != "ipv6" {
			t.Errorf("XDG_CONFIG_HOME=%q: %+v", value, c)
		}
	}
}

func TestLoadErrors(t *testing.T) {
	work := t.TempDir()
	t.Chdir(work)
	t.Setenv("XDG_CONFIG_HOME", t.TempDir())

	missing := filepath.Join(work, "missing.yaml")
	if _, err := Load(missing); err == nil || err.Error() != missing+": cannot read the configuration file: no such file or directory" {
		t.Errorf("missing --config: %v", err)
	}
	if err := os.Mkdir(WorkingDirFile, 0o755); err != nil {
		t.Fatal(err)
	}
	if _, err := Load(""); err == nil || err.Error() != WorkingDirFile+": is a directory, not a configuration file" {
		t.Errorf("a directory found: %v", err)
	}
	os.Remove(WorkingDirFile)
	writeFile(t, WorkingDirFile, header+"exemption: []\n")
	if _, err := Load(""); err == nil || !strings.HasPrefix(err.Error(), WorkingDirFile+":3:1: unknown key \"exemption\"") {
		t.Errorf("a broken file found: %v", err)
	}
}
