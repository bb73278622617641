package check

// networkPolicyRules lists the rules about NetworkPolicies' ipBlocks of both families.
var networkPolicyRules = []Rule{}
