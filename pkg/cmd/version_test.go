package cmd

import (
	"encoding/json"
	"runtime"
	"strings"
	"testing"
	"time"

	"k8s.io/cli-runtime/pkg/genericiooptions"
	"sigs.k8s.io/yaml"
)

// execute runs the root command with args and returns stdout, stderr and
// the exit code main would use.
func execute(t *testing.T, args ...string) (string, string, int) {
	t.Helper()
	streams, _, out, errOut := genericiooptions.NewTestIOStreams()
	root := NewRootCmd(streams, BuildInfo{Version: "v1.2.3"})
	root.SetArgs(args)
	code := ExitOK
	if err := root.Execute(); err != nil {
		code = PrintError(errOut, err)
	}
	return out.String(), errOut.String(), code
}

func TestVersionClientOnly(t *testing.T) {
	out, errOut, code := execute(t, "version", "--client")
	want := "Plugin Version: v1.2.3\nGo Version: " + runtime.Version() + "\nPlatform: " + runtime.GOOS + "/" + runtime.GOARCH + "\n"
	if out != want || errOut != "" || code != ExitOK {
		t.Errorf("got out %q err %q code %d, want %q", out, errOut, code, want)
	}
}

func TestVersionStructured(t *testing.T) {
	for _, format := range []string{"json", "yaml"} {
		out, _, code := execute(t, "version", "--client", "-o", format)
		var info VersionInfo
		var err error
		if format == "json" {
			err = json.Unmarshal([]byte(out), &info)
		} else {
			err = yaml.UnmarshalStrict([]byte(out), &info)
		}
		if err != nil || code != ExitOK {
			t.Fatalf("-o %s: %v (code %d)\n%s", format, err, code, out)
		}
		if info.PluginVersion.Version != "v1.2.3" || info.PluginVersion.Platform != runtime.GOOS+"/"+runtime.GOARCH || info.ServerVersion != nil {
			t.Errorf("-o %s: %+v", format, info)
		}
	}
}

func TestVersionUnreachableServer(t *testing.T) {
	// Port 1 on loopback refuses at once: the plugin version is still
	// printed, the reason goes to stderr, and the exit code is 0.
	began := time.Now()
	out, errOut, code := execute(t, "version", "--server=https://127.0.0.1:1")
	if code != ExitOK || !strings.HasPrefix(out, "Plugin Version: v1.2.3\n") || strings.Contains(out, "Server Version") {
		t.Errorf("out %q code %d", out, code)
	}
	if !strings.HasPrefix(errOut, "warning: server version unavailable: ") || !strings.Contains(errOut, "connection refused") || strings.Count(errOut, "\n") != 1 {
		t.Errorf("stderr should be one warning line about the refused connection, got %q", errOut)
	}
	if elapsed := time.Since(began); elapsed > serverVersionTimeout {
		t.Errorf("took %s for a refused connection", elapsed)
	}
}

func TestUsageErrors(t *testing.T) {
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"version", "-o", "wide"}, "error: --output must be 'yaml' or 'json'\nSee 'kubectl dualstack version -h' for help and examples.\n"},
		{[]string{"version", "--bogus"}, "error: unknown flag: --bogus\nSee 'kubectl dualstack version -h' for help and examples.\n"},
		{[]string{"version", "extra"}, "error: unknown command \"extra\" for \"kubectl dualstack version\"\n"},
		{[]string{"nonsense"}, "error: unknown command \"nonsense\" for \"kubectl dualstack\"\n"},
	}
	for _, tt := range tests {
		out, errOut, code := execute(t, tt.args...)
		if out != "" || errOut != tt.want || code != ExitError {
			t.Errorf("%v: out %q err %q code %d; want err %q code 1", tt.args, out, errOut, code, tt.want)
		}
	}
}

func TestHelpNamesThePlugin(t *testing.T) {
	out, _, code := execute(t, "--help")
	if code != ExitOK || !strings.Contains(out, "kubectl dualstack [command]") || !strings.Contains(out, "--kubeconfig") {
		t.Errorf("help:\n%s", out)
	}
	// klog's flags are hidden, but -v is kept.
	if strings.Contains(out, "--logtostderr") || !strings.Contains(out, "-v, --v Level") {
		t.Errorf("klog flags in help:\n%s", out)
	}
}
