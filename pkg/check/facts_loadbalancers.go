package check

// Gateway is what the rules read of a Gateway API Gateway
// (gateway.networking.k8s.io/v1, a CRD read through the dynamic client).
type Gateway struct {
	Namespace, Name string
	// SpecAddresses are the addresses asked for (spec.addresses),
	// Addresses those bound (status.addresses).
	SpecAddresses, Addresses []GatewayAddress
}

// GatewayAddress is one entry of a Gateway's spec.addresses or
// status.addresses, in the API's JSON names.
type GatewayAddress struct {
	// Type is IPAddress, Hostname or an implementation's own (a
	// domain-prefixed name); the CRD defaults it to IPAddress.
	Type  string `json:"type,omitempty"`
	Value string `json:"value"`
}

// Address types of the Gateway API (apis/v1/shared_types.go AddressType).
const (
	GatewayIPAddress = "IPAddress"
	GatewayHostname  = "Hostname"
)

// IsIP says whether the address is of type IPAddress (the default).
func (a GatewayAddress) IsIP() bool { return a.Type == "" || a.Type == GatewayIPAddress }
