package check

// controlPlaneRules check component flags and configuration files.
var controlPlaneRules = []Rule{}
