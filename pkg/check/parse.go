package check

import (
	"encoding/json"
	"fmt"
	"net/url"
	"strings"

	"sigs.k8s.io/yaml"
)

// ParseFlags reads a command line (program first) into settings keyed by
// flag name without dashes, accepting `--flag=value` and `--flag value`; a
// flag followed by another flag or nothing is a boolean "true". where names
// the command line for provenance.
func ParseFlags(args []string, where string) map[string]Setting {
	return ParseFlagsAt(args, where, nil)
}

// ParseFlagsAt is ParseFlags for a command line read from a file: at(i)
// locates args[i] (File, Line, Column), and each setting carries the
// location of the item that holds its value (the flag itself for
// `--flag=value` and booleans, the next item for `--flag value`).
func ParseFlagsAt(args []string, where string, at func(i int) Setting) map[string]Setting {
	out := map[string]Setting{}
	for i := 0; i < len(args); i++ {
		arg := args[i]
		if !strings.HasPrefix(arg, "-") {
			continue
		}
		name, value, hasValue := strings.Cut(strings.TrimLeft(arg, "-"), "=")
		valueAt := i
		if !hasValue {
			value = "true"
			if i+1 < len(args) && !strings.HasPrefix(args[i+1], "-") {
				value = args[i+1]
				i++
				valueAt = i
			}
		}
		s := Setting{Value: Redact(name, value), Source: fmt.Sprintf("%s, arg --%s", where, name)}
		if at != nil {
			pos := at(valueAt)
			s.File, s.Line, s.Column = pos.File, pos.Line, pos.Column
		}
		out[name] = s
	}
	return out
}

// Redacted stands for a secret flag value in settings, so in findings and
// reports.
const Redacted = "REDACTED"

// Redact is the value of flag name as settings keep it: the values of
// flags named like secrets (token, password, secret) are Redacted, and
// each URL of a comma-separated value loses its password
// (--etcd-servers=https://user:xxxxx@host:2379). Flags ending in -file
// name where a secret is kept, not the secret: they stay. Gatherers call it
// on every flag they read, so that no rule, report or log can show one.
func Redact(name, value string) string {
	lower := strings.ToLower(name)
	if !strings.HasSuffix(lower, "-file") && (strings.Contains(lower, "token") || strings.Contains(lower, "password") || strings.Contains(lower, "secret")) {
		return Redacted
	}
	parts := strings.Split(value, ",")
	for i, p := range parts {
		if !strings.Contains(p, "://") || !strings.Contains(p, "@") {
			continue
		}
		u, err := url.Parse(p)
		if err != nil {
			parts[i] = Redacted // may hold user information that does not parse
		} else if _, ok := u.User.Password(); ok {
			parts[i] = u.Redacted()
		}
	}
	return strings.Join(parts, ",")
}

// ImageTag is the tag of an image reference, the version in
// registry.k8s.io/kube-apiserver:v1.30.2 or
// kindest/node:v1.31.0@sha256:...; "" when there is none.
func ImageTag(image string) string {
	image, _, _ = strings.Cut(image, "@")
	if i := strings.LastIndex(image, ":"); i > strings.LastIndex(image, "/") {
		return image[i+1:]
	}
	return ""
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
			k.ExtraArgs[component][name] = Setting{Value: Redact(name, value), Source: fmt.Sprintf("%s %s.extraArgs %s", where, component, name)}
		}
	}
	return k, nil
}

// ConfigField is a field of a component's configuration file and the flag
// it stands for: settings from files are stored under the flag's name.
type ConfigField struct {
	Field, Flag string
	List        bool // a list of strings, stored comma-separated
}

// KubeProxyFields are the KubeProxyConfiguration fields the rules read.
var KubeProxyFields = []ConfigField{
	{Field: "clusterCIDR", Flag: "cluster-cidr"},
	{Field: "bindAddress", Flag: "bind-address"},
	{Field: "nodePortAddresses", Flag: "nodeport-addresses", List: true},
	{Field: "detectLocalMode", Flag: "detect-local-mode"},
	{Field: "mode", Flag: "proxy-mode"},
}

// KubeletFields are the KubeletConfiguration fields the rules read.
var KubeletFields = []ConfigField{
	{Field: "clusterDNS", Flag: "cluster-dns", List: true},
}

// ParseKubeProxyConfiguration reads a KubeProxyConfiguration's dual-stack
// fields, stored under their flags' names.
func ParseKubeProxyConfiguration(data []byte, where string) (Component, error) {
	return parseComponentConfig(data, where, KubeProxy, "KubeProxyConfiguration", KubeProxyFields)
}

// ParseKubeletConfiguration reads a KubeletConfiguration's dual-stack
// fields, stored under their flags' names.
func ParseKubeletConfiguration(data []byte, where string) (Component, error) {
	return parseComponentConfig(data, where, Kubelet, "KubeletConfiguration", KubeletFields)
}

func parseComponentConfig(data []byte, where, component, kind string, fields []ConfigField) (Component, error) {
	var cfg map[string]any
	if err := yaml.Unmarshal(data, &cfg); err != nil {
		return Component{}, err
	}
	if k, _ := cfg["kind"].(string); k != "" && k != kind {
		return Component{}, fmt.Errorf("kind %q is not %s", k, kind)
	}
	c := Component{Kind: component, Instance: where, Source: where, Settings: map[string]Setting{}}
	for _, fl := range fields {
		value, err := configString(cfg[fl.Field], fl.List)
		if err != nil {
			return Component{}, fmt.Errorf("%s: %w", fl.Field, err)
		}
		if value != "" {
			c.Settings[fl.Flag] = Setting{Value: value, Source: where + " " + fl.Field}
		}
	}
	return c, nil
}

// configString is a decoded field's value: a string, or a list of strings
// joined with commas.
func configString(v any, list bool) (string, error) {
	if v == nil {
		return "", nil
	}
	if !list {
		s, ok := v.(string)
		if !ok {
			return "", fmt.Errorf("want a string, got %T", v)
		}
		return s, nil
	}
	items, ok := v.([]any)
	if !ok {
		return "", fmt.Errorf("want a list of strings, got %T", v)
	}
	out := make([]string, len(items))
	for i, item := range items {
		if out[i], ok = item.(string); !ok {
			return "", fmt.Errorf("item %d: want a string, got %T", i, item)
		}
	}
	return strings.Join(out, ","), nil
}
