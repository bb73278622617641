package cmd

import (
	"encoding/json"
	"fmt"
	"runtime"
	"runtime/debug"
	"slices"
	"time"

	"github.com/spf13/cobra"
	apimachineryversion "k8s.io/apimachinery/pkg/version"
	"k8s.io/cli-runtime/pkg/genericclioptions"
	"k8s.io/cli-runtime/pkg/genericiooptions"
	"k8s.io/client-go/discovery"
	"sigs.k8s.io/yaml"
)

// serverVersionTimeout bounds the server query when --request-timeout is not
// set: `version` must answer promptly even when the cluster does not.
const serverVersionTimeout = 5 * time.Second

// PluginVersion is the plugin half of `version`.
type PluginVersion struct {
	Version   string `json:"version"`
	GoVersion string `json:"goVersion"`
	Platform  string `json:"platform"`
}

// VersionInfo is what `version -o json|yaml` prints.
type VersionInfo struct {
	PluginVersion PluginVersion             `json:"pluginVersion"`
	ServerVersion *apimachineryversion.Info `json:"serverVersion,omitempty"`
}

// VersionOptions runs `kubectl dualstack version`.
type VersionOptions struct {
	Output     string
	ClientOnly bool

	configFlags *genericclioptions.ConfigFlags
	timeoutSet  bool // --request-timeout given, not its default
	build       BuildInfo
	genericiooptions.IOStreams
}

func newVersionCmd(configFlags *genericclioptions.ConfigFlags, streams genericiooptions.IOStreams, build BuildInfo) *cobra.Command {
	o := &VersionOptions{configFlags: configFlags, build: build, IOStreams: streams}
	cmd := &cobra.Command{
		Use:   "version",
		Short: "Print the plugin's version and, when a cluster is reachable, the server's",
		Example: `  # Plugin and server version
  kubectl dualstack version

  # Plugin version only, as JSON
  kubectl dualstack version --client -o json`,
		Args:              cobra.NoArgs,
		ValidArgsFunction: cobra.NoFileCompletions,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := o.Validate(cmd); err != nil {
				return err
			}
			o.timeoutSet = cmd.Flags().Changed("request-timeout")
			return o.Run()
		},
	}
	cmd.Flags().StringVarP(&o.Output, "output", "o", "", "One of 'yaml' or 'json'.")
	cmd.Flags().BoolVar(&o.ClientOnly, "client", false, "Print the plugin version only; do not contact the server.")
	registerFlagCompletions(cmd, map[string]cobra.CompletionFunc{"output": fixedCompletion(versionOutputs...)})
	return cmd
}

// versionOutputs are the values of `version -o`.
var versionOutputs = []string{"yaml", "json"}

// Validate checks the flags.
func (o *VersionOptions) Validate(cmd *cobra.Command) error {
	if o.Output != "" && !slices.Contains(versionOutputs, o.Output) {
		return newUsageError(cmd, "--output must be 'yaml' or 'json'")
	}
	return nil
}

// Run prints the versions. An unreachable server is not an error here: the
// plugin version is still worth printing, and the reason goes to stderr.
func (o *VersionOptions) Run() error {
	info := VersionInfo{PluginVersion: PluginVersion{
		Version:   o.build.PluginVersion(),
		GoVersion: runtime.Version(),
		Platform:  runtime.GOOS + "/" + runtime.GOARCH,
	}}
	if !o.ClientOnly {
		server, err := o.serverVersion()
		if err != nil {
			fmt.Fprintf(o.ErrOut, "warning: server version unavailable: %v\n", err)
		}
		info.ServerVersion = server
	}
	switch o.Output {
	case "json":
		data, err := json.MarshalIndent(info, "", "  ")
		if err != nil {
			return err
		}
		_, err = fmt.Fprintf(o.Out, "%s\n", data)
		return err
	case "yaml":
		data, err := yaml.Marshal(info)
		if err != nil {
			return err
		}
		_, err = o.Out.Write(data)
		return err
	}
	fmt.Fprintf(o.Out, "Plugin Version: %s\nGo Version: %s\nPlatform: %s\n", info.PluginVersion.Version, info.PluginVersion.GoVersion, info.PluginVersion.Platform)
	if info.ServerVersion != nil {
		fmt.Fprintf(o.Out, "Server Version: %s\n", info.ServerVersion.GitVersion)
	}
	return nil
}

// PluginVersion is the link-time version, else the module version that
// `go install ...@vX` records, else "dev".
func (b BuildInfo) PluginVersion() string {
	if b.Version != "" {
		return b.Version
	}
	if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
		return bi.Main.Version
	}
	return "dev"
}

func (o *VersionOptions) serverVersion() (*apimachineryversion.Info, error) {
	config, err := o.configFlags.ToRESTConfig()
	if err != nil {
		return nil, err
	}
	if config.Timeout == 0 || !o.timeoutSet {
		config.Timeout = serverVersionTimeout
	}
	client, err := discovery.NewDiscoveryClientForConfig(config)
	if err != nil {
		return nil, err
	}
	return client.ServerVersion()
}
