// Package process sets up the provider process before it serves Terraform:
// log volume and memory limit.
package process

import (
	"os"
	"strings"
)

// QuietUnlessTerraformLogs turns the provider's and the plugin SDK's log
// output off when Terraform runs without any TF_LOG* variable.
//
// Terraform shows a provider's logs only when TF_LOG or TF_LOG_PROVIDER is
// set, and provider processes inherit Terraform's environment. Yet the
// plugin SDK logs at trace level unless told otherwise: tens of JSON lines
// per data source instance, each encoded here, sent over a pipe, and decoded
// by Terraform only to be dropped. In a plan with hundreds of data sources
// that is a large share of the provider's cost. Any TF_LOG* variable (such
// as TF_LOG=DEBUG or TF_LOG_PROVIDER=TRACE) leaves logging as the SDK sets it.
func QuietUnlessTerraformLogs() {
	for _, kv := range os.Environ() {
		if strings.HasPrefix(kv, "TF_LOG") {
			return
		}
	}
	// The provider's own logger (tflog) and the SDK's (terraform-plugin-go,
	// terraform-plugin-framework). Errors cannot happen for these names.
	_ = os.Setenv("TF_LOG_PROVIDER_SERVICEREQUEST", "off")
	_ = os.Setenv("TF_LOG_SDK", "off")
}
