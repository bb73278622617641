package cmd

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/spf13/cobra"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	utilerrors "k8s.io/apimachinery/pkg/util/errors"
	"k8s.io/cli-runtime/pkg/genericclioptions"
	"k8s.io/cli-runtime/pkg/genericiooptions"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"
	kubectldescribe "k8s.io/kubectl/pkg/describe"

	"github.com/kubectl-dualstack/kubectl-dualstack/pkg/check/live"
	"github.com/kubectl-dualstack/kubectl-dualstack/pkg/describe"
)

// DescribeOptions runs `kubectl dualstack describe`.
type DescribeOptions struct {
	Type          resourceType
	Names         []string
	Namespace     string
	AllNamespaces bool
	LabelSelector string
	ShowEvents    bool
	ChunkSize     int64

	Describer describe.Describer

	configFlags *genericclioptions.ConfigFlags
	genericiooptions.IOStreams
}

// testDescribeOptions, set only by tests, adjusts each new `describe`
// command's options (a fake Describer.Client) before flags are parsed.
var testDescribeOptions func(*DescribeOptions)

func newDescribeCmd(configFlags *genericclioptions.ConfigFlags, streams genericiooptions.IOStreams) *cobra.Command {
	o := &DescribeOptions{ShowEvents: true, ChunkSize: 500, configFlags: configFlags, IOStreams: streams}
	if testDescribeOptions != nil {
		testDescribeOptions(o)
	}
	cmd := &cobra.Command{
		Use:   "describe TYPE [NAME...] [flags]",
		Short: "Describe pods, services, nodes or endpoints with their dual-stack fields on display",
		Long: `Show what kubectl describe shows, with the dual-stack fields the KEP's way:

  pods        IPs: and Host IPs: on one line, comma-separated, primary family first
  services    per port, Endpoints: lists every backend as an {IPv4,IPv6} pair, one per line
  nodes       Primary IP Family: beside the InternalIPs and PodCIDRs of both families
  endpoints   the Service's backend pairs per port, from its EndpointSlices

Supported types: ` + supportedTypes(describeTypes()),
		Example: `  # A pod's IPs of both families
  kubectl dualstack describe pod web-5455fd856b-g9n4l -n demo

  # Every backend of a Service, paired across families
  kubectl dualstack describe svc web -n demo

  # All nodes, without events
  kubectl dualstack describe nodes --show-events=false`,
		ValidArgsFunction: typeAndNameCompletion(configFlags, describeTypes()),
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
	flags := cmd.Flags()
	flags.BoolVarP(&o.AllNamespaces, "all-namespaces", "A", false, "If present, list the requested object(s) across all namespaces. Namespace in current context is ignored even if specified with --namespace.")
	flags.StringVarP(&o.LabelSelector, "selector", "l", "", "Selector (label query) to filter on, supports '=', '==', '!=', 'in', 'notin'.(e.g. -l key1=value1,key2=value2,key3 in (value3)). Matching objects must satisfy all of the specified label constraints.")
	flags.BoolVar(&o.ShowEvents, "show-events", o.ShowEvents, "If true, display events related to the described object.")
	flags.Int64Var(&o.ChunkSize, "chunk-size", o.ChunkSize, "Return large lists in chunks rather than all at once. Pass 0 to disable.")
	return cmd
}

// describeTypes are the types describe.Describer knows.
func describeTypes() []resourceType {
	var types []resourceType
	for _, rt := range resourceTypes {
		if slices.Contains(describe.Kinds, rt.Name) {
			types = append(types, rt)
		}
	}
	return types
}

// Complete resolves the type, namespace and clients.
func (o *DescribeOptions) Complete(cmd *cobra.Command, args []string) error {
	rt, names, err := parseTypeArgs(cmd, "describe", describeTypes(), args)
	if err != nil {
		return err
	}
	o.Type, o.Names = rt, names
	if o.Namespace, _, err = o.configFlags.ToRawKubeConfigLoader().Namespace(); err != nil {
		return err
	}
	o.Describer.RequestTimeout = requestTimeout(o.configFlags)
	if o.Describer.Client == nil {
		client, config, err := newClient(o.configFlags)
		if err != nil {
			return err
		}
		o.Describer.Client = client
		// v1 Endpoints are read only to reuse kubectl's endpoints layout:
		// their deprecation warning would be noise.
		quiet := rest.CopyConfig(config)
		quiet.WarningHandler = rest.NoWarnings{}
		if o.Describer.Endpoints, err = kubernetes.NewForConfig(quiet); err != nil {
			return err
		}
	}
	return nil
}

// Validate checks flag combinations.
func (o *DescribeOptions) Validate(cmd *cobra.Command) error {
	if !slices.Contains(describe.Kinds, o.Type.Name) {
		return newUsageError(cmd, "cannot describe %s", o.Type.Name)
	}
	if len(o.Names) > 0 && (o.LabelSelector != "" || o.AllNamespaces) {
		return newUsageError(cmd, "name cannot be provided when a selector or --all-namespaces is specified")
	}
	return nil
}

func (o *DescribeOptions) namespace() string {
	if o.AllNamespaces || !o.Type.Namespaced {
		return metav1.NamespaceAll
	}
	return o.Namespace
}

// Run describes each named object, or every object the selector matches,
// separated by a blank line as kubectl does. A server that cannot be talked
// to ends the run: each object left would wait out --request-timeout too.
func (o *DescribeOptions) Run(ctx context.Context) error {
	if ctx == nil {
		ctx = context.Background()
	}
	targets := make([]metav1.ObjectMeta, len(o.Names))
	for i, name := range o.Names {
		targets[i] = metav1.ObjectMeta{Namespace: o.namespace(), Name: name}
	}
	if len(o.Names) == 0 {
		var err error
		if targets, err = o.list(ctx); err != nil {
			return err
		}
		if len(targets) == 0 {
			if ns := o.namespace(); ns != "" {
				fmt.Fprintf(o.ErrOut, "No resources found in %s namespace.\n", ns)
			} else {
				fmt.Fprintln(o.ErrOut, "No resources found")
			}
			return nil
		}
	}
	settings := kubectldescribe.DescriberSettings{ShowEvents: o.ShowEvents, ChunkSize: o.ChunkSize}
	var errs []error
	first := true
	for _, t := range targets {
		s, err := o.Describer.Describe(ctx, o.Type.Name, t.Namespace, t.Name, settings)
		if err != nil {
			errs = append(errs, err)
			if live.Fatal(err) {
				break
			}
			continue
		}
		if !first {
			fmt.Fprint(o.Out, "\n\n")
		}
		first = false
		fmt.Fprint(o.Out, s)
	}
	return utilerrors.NewAggregate(errs)
}

// list returns the objects the selector matches, page by page.
func (o *DescribeOptions) list(ctx context.Context) ([]metav1.ObjectMeta, error) {
	opts := metav1.ListOptions{LabelSelector: o.LabelSelector, Limit: o.ChunkSize}
	ns, timeout := o.namespace(), requestTimeout(o.configFlags)
	switch o.Type.Name {
	case "pods":
		return listMetas(ctx, timeout, opts, o.Describer.Client.CoreV1().Pods(ns).List)
	case "services":
		return listMetas(ctx, timeout, opts, o.Describer.Client.CoreV1().Services(ns).List)
	case "nodes":
		return listMetas(ctx, timeout, opts, o.Describer.Client.CoreV1().Nodes().List)
	default: // endpoints: the v1 Endpoints kubectl's describer reads
		return listMetas(ctx, timeout, opts, o.Describer.EndpointsClient().CoreV1().Endpoints(ns).List)
	}
}

// listMetas lists every object's namespace and name.
func listMetas[L interface {
	metav1.ListInterface
	runtime.Object
}](ctx context.Context, timeout time.Duration, opts metav1.ListOptions, list func(context.Context, metav1.ListOptions) (L, error)) ([]metav1.ObjectMeta, error) {
	var out []metav1.ObjectMeta
	_, err := listPages(ctx, timeout, opts, list, func(l L) error {
		return meta.EachListItem(l, func(obj runtime.Object) error {
			m, err := meta.Accessor(obj)
			if err != nil {
				return err
			}
			out = append(out, metav1.ObjectMeta{Namespace: m.GetNamespace(), Name: m.GetName()})
			return nil
		})
	})
	return out, err
}
