package check

import (
	"encoding/json"
	"fmt"
	"strings"

	"sigs.k8s.io/yaml"
)

// ParseFlags reads a command line (program first) into settings keyed by
// flag name without dashes, accepting `--flag=value` and `--flag value`; a
// flag followed by another flag or nothing is a boolean "true". where names
// the command line for provenance.
func ParseFlags(args []string, where string) map[string]Setting {
	out := map[string]Setting{}
	for i := 0; i < len(args); i++ {
		arg := args[i]
		if !strings.HasPrefix(arg, "-") {
			continue
		}
		name, value, hasValue := strings.Cut(strings.TrimLeft(arg, "-"), "=")
		if !hasValue {
			value = "true"
			if i+1 < len(args) && !strings.HasPrefix(args[i+1], "-") {
				value = args[i+1]
				i++
			}
		}
		out[name] = Setting{Value: value, Source: fmt.Sprintf("%s, arg --%s", where, name)}
	}
	return out
}

// extraArgs is kubeadm's extraArgs: a map in v1beta3, a list of
// {name, value} in v1beta4.
type extraArgs map[string]string

func (e *extraArgs) UnmarshalJSON(data []byte) error {
	var asMap map[string]string
	if err := json.Unmarshal(data, &asMap); err == nil {
		*e = asMap
		return nil
	}
	var asList []struct{ Name, Value string }
	if err := json.Unmarshal(data, &asList); err != nil {
		return fmt.Errorf("extraArgs is neither a map (v1beta3) nor a list of name/value (v1beta4)")
	}
	*e = extraArgs{}
	for _, a := range asList {
		(*e)[a.Name] = a.Value
	}
	return nil
}

// ParseClusterConfiguration reads what a kubeadm ClusterConfiguration
// (v1beta3 or v1beta4) says about networking and component flags.
func ParseClusterConfiguration(data []byte, where string) (*Kubeadm, error) {
	var cfg struct {
		Kind       string `json:"kind"`
		Networking struct {
			PodSubnet     string `json:"podSubnet"`
			ServiceSubnet string `json:"serviceSubnet"`
		} `json:"networking"`
		APIServer         struct{ ExtraArgs extraArgs } `json:"apiServer"`
		ControllerManager struct{ ExtraArgs extraArgs } `json:"controllerManager"`
		Scheduler         struct{ ExtraArgs extraArgs } `json:"scheduler"`
	}
	if err := yaml.Unmarshal(data, &cfg); err != nil {
		return nil, err
	}
	if cfg.Kind != "" && cfg.Kind != "ClusterConfiguration" {
		return nil, fmt.Errorf("kind %q is not ClusterConfiguration", cfg.Kind)
	}
	k := &Kubeadm{Source: where, ExtraArgs: map[string]map[string]Setting{}}
	if v := cfg.Networking.PodSubnet; v != "" {
		k.PodSubnet = &Setting{Value: v, Source: where + " networking.podSubnet"}
	}
	if v := cfg.Networking.ServiceSubnet; v != "" {
		k.ServiceSubnet = &Setting{Value: v, Source: where + " networking.serviceSubnet"}
	}
	for component, args := range map[string]extraArgs{"apiServer": cfg.APIServer.ExtraArgs, "controllerManager": cfg.ControllerManager.ExtraArgs, "scheduler": cfg.Scheduler.ExtraArgs} {
		for name, value := range args {
			if k.ExtraArgs[component] == nil {
				k.ExtraArgs[component] = map[string]Setting{}
			}
			k.ExtraArgs[component][name] = Setting{Value: value, Source: fmt.Sprintf("%s %s.extraArgs %s", where, component, name)}
		}
	}
	return k, nil
}

// ParseKubeProxyConfiguration reads a KubeProxyConfiguration's dual-stack
// fields, stored under their flags' names.
func ParseKubeProxyConfiguration(data []byte, where string) (Component, error) {
	var cfg struct {
		Kind              string   `json:"kind"`
		ClusterCIDR       string   `json:"clusterCIDR"`
		BindAddress       string   `json:"bindAddress"`
		NodePortAddresses []string `json:"nodePortAddresses"`
		DetectLocalMode   string   `json:"detectLocalMode"`
		Mode              string   `json:"mode"`
	}
	if err := yaml.Unmarshal(data, &cfg); err != nil {
		return Component{}, err
	}
	if cfg.Kind != "" && cfg.Kind != "KubeProxyConfiguration" {
		return Component{}, fmt.Errorf("kind %q is not KubeProxyConfiguration", cfg.Kind)
	}
	c := Component{Kind: KubeProxy, Instance: where, Source: where, Settings: map[string]Setting{}}
	set := func(flag, field, value string) {
		if value != "" {
			c.Settings[flag] = Setting{Value: value, Source: where + " " + field}
		}
	}
	set("cluster-cidr", "clusterCIDR", cfg.ClusterCIDR)
	set("bind-address", "bindAddress", cfg.BindAddress)
	set("nodeport-addresses", "nodePortAddresses", strings.Join(cfg.NodePortAddresses, ","))
	set("detect-local-mode", "detectLocalMode", cfg.DetectLocalMode)
	set("proxy-mode", "mode", cfg.Mode)
	return c, nil
}
