package check

// loadBalancerRules lists the rules about load balancers, Ingresses and Gateways that publish both families.
var loadBalancerRules = []Rule{}
