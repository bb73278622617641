package cmd

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/spf13/cobra"
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/cli-runtime/pkg/genericclioptions"
	"k8s.io/cli-runtime/pkg/genericiooptions"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"
	"k8s.io/kubectl/pkg/cmd/get"

	"github.com/kubectl-dualstack/kubectl-dualstack/pkg/printers"
)

// resourceType is a kind `get` can show.
type resourceType struct {
	Name       string // plural, as kubectl spells it
	Aliases    []string
	Namespaced bool
	Kind       schema.GroupKind
	Watchable  bool
}

var resourceTypes = []resourceType{
	{Name: "pods", Aliases: []string{"pod", "po"}, Namespaced: true, Kind: schema.GroupKind{Kind: "Pod"}, Watchable: true},
	{Name: "services", Aliases: []string{"service", "svc"}, Namespaced: true, Kind: schema.GroupKind{Kind: "Service"}},
	{Name: "endpoints", Aliases: []string{"endpoint", "ep"}, Namespaced: true, Kind: schema.GroupKind{Kind: "Endpoints"}, Watchable: true},
	{Name: "nodes", Aliases: []string{"node", "no"}, Kind: schema.GroupKind{Kind: "Node"}},
	{Name: "servicecidrs", Aliases: []string{"servicecidr"}, Kind: schema.GroupKind{Group: "networking.k8s.io", Kind: "ServiceCIDR"}},
	{Name: "ingresses", Aliases: []string{"ingress", "ing"}, Namespaced: true, Kind: schema.GroupKind{Group: "networking.k8s.io", Kind: "Ingress"}, Watchable: true},
	{Name: "gateways", Aliases: []string{"gateway", "gtw"}, Namespaced: true, Kind: schema.GroupKind{Group: "gateway.networking.k8s.io", Kind: "Gateway"}, Watchable: true},
}

// qualified is the type's name with its API group, as kubectl resolves
// it unambiguously ("gateways.gateway.networking.k8s.io": Istio has
// gateways too).
func (rt resourceType) qualified() string {
	if rt.Kind.Group == "" {
		return rt.Name
	}
	return rt.Name + "." + rt.Kind.Group
}

// watchableTypes names the types -w works with.
func watchableTypes() string {
	var names []string
	for _, rt := range resourceTypes {
		if rt.Watchable {
			names = append(names, rt.Name)
		}
	}
	return strings.Join(names[:len(names)-1], ", ") + " and " + names[len(names)-1]
}

// lookupResourceType finds the type of types named name (plural, singular
// or short).
func lookupResourceType(types []resourceType, name string) (resourceType, bool) {
	name = strings.ToLower(name)
	for _, rt := range types {
		if rt.Name == name || slices.Contains(rt.Aliases, name) {
			return rt, true
		}
	}
	return resourceType{}, false
}

// supportedTypes lists types for a usage message: "pods (pod, po), ...".
func supportedTypes(types []resourceType) string {
	var parts []string
	for _, rt := range types {
		parts = append(parts, fmt.Sprintf("%s (%s)", rt.Name, strings.Join(rt.Aliases, ", ")))
	}
	return strings.Join(parts, ", ")
}

// testGetOptions, set only by tests, adjusts each new `get` command's
// options (a fake Client, a fixed Tables.Now) before flags are parsed.
var testGetOptions func(*GetOptions)

// parseTypeArgs reads `TYPE [NAME...]` or `TYPE/NAME`, as kubectl accepts,
// TYPE one of types.
func parseTypeArgs(cmd *cobra.Command, verb string, types []resourceType, args []string) (resourceType, []string, error) {
	if len(args) == 0 {
		return resourceType{}, nil, newUsageError(cmd, "you must specify the type of resource to %s. Supported types: %s", verb, supportedTypes(types))
	}
	typeName, names := args[0], args[1:]
	if t, name, ok := strings.Cut(typeName, "/"); ok {
		typeName, names = t, append([]string{name}, names...)
	}
	rt, ok := lookupResourceType(types, typeName)
	if !ok {
		return rt, nil, newUsageError(cmd, "unknown resource type %q. Supported types: %s", typeName, supportedTypes(types))
	}
	return rt, names, nil
}

// newClient builds a clientset from the kubeconfig flags. It speaks
// protobuf, which every built-in type (all the plugin reads) supports, in
// lists and watches alike: the server encodes and the client decodes it
// about twice as fast as JSON. JSON stays acceptable for the odd answer
// that has no protobuf form (/version, a Status from a proxy).
func newClient(configFlags *genericclioptions.ConfigFlags) (kubernetes.Interface, *rest.Config, error) {
	config, err := configFlags.ToRESTConfig()
	if err != nil {
		return nil, nil, err
	}
	config.ContentType = runtime.ContentTypeProtobuf
	config.AcceptContentTypes = runtime.ContentTypeProtobuf + "," + runtime.ContentTypeJSON
	client, err := kubernetes.NewForConfig(config)
	return client, config, err
}

// newClients builds the clientset (newClient) and a dynamic client for
// other projects' objects, which speaks JSON: CRDs have no protobuf form.
func newClients(configFlags *genericclioptions.ConfigFlags) (kubernetes.Interface, dynamic.Interface, error) {
	client, config, err := newClient(configFlags)
	if err != nil {
		return nil, nil, err
	}
	dyn, err := dynamic.NewForConfig(config) // sets JSON itself
	return client, dyn, err
}

// GetOptions runs `kubectl dualstack get`.
type GetOptions struct {
	PrintFlags *get.PrintFlags

	Type          resourceType
	Names         []string
	Namespace     string
	AllNamespaces bool
	LabelSelector string
	FieldSelector string
	ChunkSize     int64
	Watch         bool
	WatchOnly     bool
	// Endpoints view.
	IncludeNotReady bool
	AllEndpoints    bool

	Client kubernetes.Interface
	// Dynamic reads the Gateway API's Gateways (a CRD).
	Dynamic dynamic.Interface
	Tables  printers.Tables

	configFlags *genericclioptions.ConfigFlags
	genericiooptions.IOStreams
}

const getExample = `  # Pods with every pod IP, primary family first
  kubectl dualstack get pods
  kubectl dualstack get pods -A -o wide

  # Services with all cluster IPs, the IP family policy and (wide) the families
  kubectl dualstack get svc -o wide

  # Endpoints paired per backend across families, {[fd00::5]:80,10.244.1.5:80}
  kubectl dualstack get endpoints web --all-endpoints --include-not-ready

  # Nodes with their InternalIPs and pod CIDRs of both families
  kubectl dualstack get nodes

  # How full each service range is, and (wide) whose Services fill it
  kubectl dualstack get servicecidrs -o wide
  # Ingresses and Gateway API Gateways with every address they publish
  kubectl dualstack get ingresses -A
  kubectl dualstack get gateways -n web

  # Watch pods get their IPs
  kubectl dualstack get pods -l app=web -w`

func newGetCmd(configFlags *genericclioptions.ConfigFlags, streams genericiooptions.IOStreams) *cobra.Command {
	o := &GetOptions{PrintFlags: get.NewGetPrintFlags(), ChunkSize: 500, configFlags: configFlags, IOStreams: streams}
	if testGetOptions != nil {
		testGetOptions(o)
	}
	cmd := &cobra.Command{
		Use:   "get TYPE [NAME...] [flags]",
		Short: "Show pods, services, endpoints, nodes, service ranges, ingresses or gateways with the addresses of both IP families",
		Long: `Show pods, services, endpoints, nodes, service ranges, ingresses or gateways the way a
dual-stack cluster needs them:

  pods          every pod IP, comma-separated, primary family first
  services      every cluster IP, the IP family policy and (-o wide) the IP families
  endpoints     one {IPv4,IPv6} group per backend and port, paired by pod, from EndpointSlices
  nodes         every InternalIP and the pod CIDRs of both families
  servicecidrs  each range's family, size, addresses in use (IPAddress objects) and free,
                and (-o wide) the namespaces with most Services in it
  ingresses     every load-balancer address, IPs of the cluster's primary family first
  gateways      every address of a Gateway API Gateway's status, in the same order

Supported types: ` + supportedTypes(resourceTypes) + `.
Output formats, sorting, label columns and chunking work as in kubectl get.`,
		Example:           getExample,
		ValidArgsFunction: typeAndNameCompletion(configFlags, resourceTypes),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := o.Complete(cmd, args); err != nil {
				return err
			}
			if err := o.Validate(cmd); err != nil {
				return err
			}
			return o.Run(cmd.Context())
		},
	}
	o.PrintFlags.AddFlags(cmd)
	flags := cmd.Flags()
	flags.BoolVarP(&o.AllNamespaces, "all-namespaces", "A", false, "List the requested objects across all namespaces. Namespace in current context is ignored even if specified with --namespace.")
	flags.StringVarP(&o.LabelSelector, "selector", "l", "", "Selector (label query) to filter on, supports '=', '==', '!=', 'in', 'notin'.(e.g. -l key1=value1,key2=value2,key3 in (value3)). Matching objects must satisfy all of the specified label constraints.")
	flags.StringVar(&o.FieldSelector, "field-selector", "", "Selector (field query) to filter on, supports '=', '==', and '!='.(e.g. --field-selector key1=value1,key2=value2). The server only supports a limited number of field queries per type.")
	flags.Int64Var(&o.ChunkSize, "chunk-size", o.ChunkSize, "Return large lists in chunks rather than all at once. Pass 0 to disable.")
	flags.BoolVarP(&o.Watch, "watch", "w", false, "After listing/getting the requested object, watch for changes ("+watchableTypes()+").")
	flags.BoolVar(&o.WatchOnly, "watch-only", false, "Watch for changes to the requested object(s), without listing/getting first.")
	flags.BoolVar(&o.IncludeNotReady, "include-not-ready", false, "endpoints: also show backends that are not ready, marked (not ready).")
	flags.BoolVar(&o.AllEndpoints, "all-endpoints", false, fmt.Sprintf("endpoints: show every group instead of the first %d and \"+ N more...\".", printers.DefaultMaxEndpointGroups))
	return cmd
}

// Complete resolves the type, the namespace and the client.
func (o *GetOptions) Complete(cmd *cobra.Command, args []string) error {
	rt, names, err := parseTypeArgs(cmd, "get", resourceTypes, args)
	if err != nil {
		return err
	}
	o.Type, o.Names = rt, names
	o.PrintFlags.SetKind(rt.Kind)
	if o.AllNamespaces && rt.Namespaced {
		if err := o.PrintFlags.EnsureWithNamespace(); err != nil {
			return err
		}
	}
	if o.Namespace, _, err = o.configFlags.ToRawKubeConfigLoader().Namespace(); err != nil {
		return err
	}
	if o.Client == nil {
		if o.Client, o.Dynamic, err = newClients(o.configFlags); err != nil {
			return err
		}
	}
	return nil
}

// Validate checks flag combinations before anything is sent.
func (o *GetOptions) Validate(cmd *cobra.Command) error {
	if _, err := o.PrintFlags.ToPrinter(); err != nil {
		return err
	}
	if o.AllNamespaces && len(o.Names) > 0 {
		return newUsageError(cmd, "a resource cannot be retrieved by name across all namespaces")
	}
	if (o.Watch || o.WatchOnly) && !o.Type.Watchable {
		return newUsageError(cmd, "--watch is supported for %s, not %s", watchableTypes(), o.Type.Name)
	}
	if (o.Watch || o.WatchOnly) && len(o.Names) > 1 {
		return newUsageError(cmd, "watch is only supported on individual resources and resource collections, but %d resources were found", len(o.Names))
	}
	if (o.Watch || o.WatchOnly) && *o.PrintFlags.HumanReadableFlags.SortBy != "" {
		return newUsageError(cmd, "--sort-by cannot be used with --watch")
	}
	if o.ChunkSize < 0 {
		return newUsageError(cmd, "--chunk-size must be 0 or greater")
	}
	return nil
}

// namespace is where requests go: all namespaces, the selected one, or none
// for cluster-scoped types.
func (o *GetOptions) namespace() string {
	if o.AllNamespaces || !o.Type.Namespaced {
		return metav1.NamespaceAll
	}
	return o.Namespace
}

func (o *GetOptions) humanReadable() bool {
	f := *o.PrintFlags.OutputFormat
	return f == "" || f == "wide"
}

func (o *GetOptions) listOptions() metav1.ListOptions {
	return metav1.ListOptions{LabelSelector: o.LabelSelector, FieldSelector: o.FieldSelector, Limit: o.ChunkSize}
}

// Run lists or gets, prints, and watches.
func (o *GetOptions) Run(ctx context.Context) error {
	if ctx == nil {
		ctx = context.Background()
	}
	switch o.Type.Name {
	case "pods":
		pods := o.Client.CoreV1().Pods(o.namespace())
		return runTyped(ctx, o, pods, func(l *corev1.PodList) []corev1.Pod { return l.Items }, o.Tables.Pods)
	case "services":
		services := o.Client.CoreV1().Services(o.namespace())
		return runTyped(ctx, o, services, func(l *corev1.ServiceList) []corev1.Service { return l.Items }, o.Tables.Services)
	case "nodes":
		nodes := o.Client.CoreV1().Nodes()
		return runTyped(ctx, o, nodes, func(l *corev1.NodeList) []corev1.Node { return l.Items }, o.Tables.Nodes)
	case "endpoints":
		return o.runEndpoints(ctx)
	case "servicecidrs":
		return o.runServiceCIDRs(ctx)
	case "ingresses":
		o.Tables.PrimaryFamily = o.primaryFamily(ctx)
		ingresses := o.Client.NetworkingV1().Ingresses(o.namespace())
		return runTyped(ctx, o, ingresses, func(l *networkingv1.IngressList) []networkingv1.Ingress { return l.Items }, o.Tables.Ingresses)
	case "gateways":
		return o.runGateways(ctx)
	}
	return fmt.Errorf("unsupported type %s", o.Type.Name)
}

// noResources is kubectl's message for an empty listing (on stderr).
func (o *GetOptions) noResources() {
	if ns := o.namespace(); ns != "" {
		fmt.Fprintf(o.ErrOut, "No resources found in %s namespace.\n", ns)
		return
	}
	fmt.Fprintln(o.ErrOut, "No resources found")
}

// sortObjects applies --sort-by, as kubectl does, reordering objs in place.
func (o *GetOptions) sortObjects(objs []runtime.Object) error {
	field := *o.PrintFlags.HumanReadableFlags.SortBy
	if field == "" || len(objs) == 0 {
		return nil
	}
	_, err := get.SortObjects(nil, objs, field)
	return err
}
