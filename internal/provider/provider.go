// Package provider is the Terraform face of the Service Ticket API: it
// declares the schemas, converts and validates configuration, and calls the
// osm client.
package provider

import (
	"context"
	"errors"
	"fmt"
	"os"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/action"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/function"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/provider/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/osm-tools/terraform-provider-servicerequest/internal/osm"
)

// Address is the provider's registry address, under which it is served.
const Address = "registry.terraform.io/osm-tools/servicerequest"

var (
	_ provider.Provider              = (*servicerequestProvider)(nil)
	_ provider.ProviderWithFunctions = (*servicerequestProvider)(nil)
	_ provider.ProviderWithActions   = (*servicerequestProvider)(nil)
)

type servicerequestProvider struct {
	version string
	env     LookupEnv
	// observe, when set (by tests), receives where each Configure
	// resolved the service and IAM to be.
	observe func(location)
}

// location is where a configured provider sends its requests.
type location struct {
	Endpoint, Site, XSite, Cloud, Region, AuthURL string
}

// New returns a constructor of the provider, for providerserver.Serve and
// for tests ("test"). It reads the process environment.
func New(version string) func() provider.Provider {
	return NewWithEnv(version, osLookupEnv)
}

// NewWithEnv is New with the environment read through env, so that a test
// can give each provider an environment of its own.
func NewWithEnv(version string, env LookupEnv) func() provider.Provider {
	return func() provider.Provider { return &servicerequestProvider{version: version, env: env} }
}

// providerData is what every data source of one configured provider shares.
type providerData struct {
	client   *osm.Client
	insecure resolved // the insecure setting, warned about at every read
	password bool     // a password login shares the TLS settings
}

func (p *servicerequestProvider) Metadata(_ context.Context, _ provider.MetadataRequest, resp *provider.MetadataResponse) {
	resp.TypeName = "servicerequest"
	resp.Version = p.version
}

func (p *servicerequestProvider) Schema(_ context.Context, _ provider.SchemaRequest, resp *provider.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Reads the status of Huawei Cloud service tickets through the Service Ticket (OSM) API, " +
			"so that a plan can read, or refuse to proceed on, the state of a support ticket. " +
			"It authenticates with a token, an access key pair (AK/SK signing, also from a KooCLI shared config profile) or an " +
			"IAM password login, optionally exchanged for an agency's temporary access keys (`assume_role`).",
		Attributes: providerAttributes(), // settings.go
		Blocks:     providerBlocks(),
	}
}

// Configure resolves every setting (settings.go), chooses the
// authentication method (auth.go) and builds the one client that every data
// source of this provider configuration shares.
func (p *servicerequestProvider) Configure(ctx context.Context, req provider.ConfigureRequest, resp *provider.ConfigureResponse) {
	diags := &resp.Diagnostics
	s := resolveSettings(ctx, req.Config, p.env, diags)
	if diags.HasError() {
		return
	}
	shadowed := applySharedConfig(s, p.env, diags) // sharedconfig.go: fills in what the block and environment leave unset
	if diags.HasError() {
		return
	}
	checkEnvValue(settingOf("region"), s["region"], diags) // a region from the profile
	site := resolveLocation(s, diags)                      // location.go
	if diags.HasError() {
		return
	}
	shadowedProfileWarning(s, shadowed, diags)
	creds := resolveCredentials(ctx, s, diags)
	minDelay, maxDelay := retryDelays(s, diags)
	caPEM := trustedCAs(s, diags)
	if creds == nil || diags.HasError() {
		return
	}
	languageWarning(s["language"], diags)
	data := &providerData{insecure: s["insecure"], password: creds.method == osm.SchemePassword}
	data.addWarnings(diags)
	httpClient, err := osm.NewHTTPClient(osm.TransportOptions{CACertPEM: caPEM, Insecure: s.boolean("insecure")})
	if err != nil {
		diags.AddError("Cannot configure the Service Ticket API client", err.Error())
		return
	}
	userAgent := fmt.Sprintf("terraform-provider-servicerequest/%s terraform/%s", p.version, req.TerraformVersion)
	logger := newLogger(creds.secrets()...)
	retry := retrySettings{maxRetries: s.integer("max_retries"), minDelay: minDelay, maxDelay: maxDelay, timeout: s.duration("request_timeout")}
	auth := creds.authenticator(ctx, httpClient, userAgent, logger, retry, diags)
	if auth == nil {
		return
	}
	data.client, err = osm.New(osm.Config{
		Endpoint:   s.str("endpoint"),
		Auth:       auth,
		AuthSource: creds.source(),
		Language:   s.str("language"),
		TimeZone:   s.str("time_zone"),
		UserAgent:  userAgent,
		Site:       s.str("x_site"),
		HTTPClient: httpClient,
		Logger:     logger,
		Secrets:    secretsOf(logger), // every configured secret, redacted even if this method never sends it

		MaxRetries:     retry.maxRetries,
		RetryMinDelay:  retry.minDelay,
		RetryMaxDelay:  retry.maxDelay,
		RequestTimeout: retry.timeout,

		MaxConcurrency:       s.integer("max_concurrency"),
		MaxRequestsPerSecond: s.float("max_requests_per_second"),
	})
	if err != nil {
		diags.AddError("Cannot configure the Service Ticket API client", err.Error())
		return
	}
	if p.observe != nil {
		p.observe(location{Endpoint: s.str("endpoint"), Site: site, XSite: s.str("x_site"), Cloud: s.str("cloud"),
			Region: s.str("region"), AuthURL: s.str("auth_url")})
	}
	tflog.Debug(ctx, "Service Ticket API location resolved", map[string]any{
		"endpoint": data.client.Endpoint(), "site": site, "x_site": s.str("x_site"), "cloud": s.str("cloud"),
		"region": s.str("region"), "auth_url": s.str("auth_url"),
	})
	resp.DataSourceData = data
	resp.ActionData = data
}

// retryDelays returns retry_min_delay and retry_max_delay; when only the
// maximum is set below the default minimum, the minimum is lowered to it.
func retryDelays(s settings, diags *diag.Diagnostics) (minDelay, maxDelay time.Duration) {
	minDelay, maxDelay = s.duration("retry_min_delay"), s.duration("retry_max_delay")
	if minDelay <= maxDelay {
		return minDelay, maxDelay
	}
	if s["retry_min_delay"].source == "default" {
		return maxDelay, maxDelay
	}
	diags.AddAttributeError(path.Root("retry_min_delay"), "Invalid retry_min_delay value",
		fmt.Sprintf("retry_min_delay (%s) is longer than retry_max_delay (%s). Lower retry_min_delay or raise retry_max_delay.",
			osm.FormatDuration(minDelay), osm.FormatDuration(maxDelay)))
	return minDelay, maxDelay
}

// trustedCAs reads ca_cert_file or ca_cert_pem: the private CAs to trust.
func trustedCAs(s settings, diags *diag.Diagnostics) []byte {
	switch {
	case s["ca_cert_file"].set():
		file := s.str("ca_cert_file")
		b, err := os.ReadFile(file)
		if err != nil {
			var pe *os.PathError
			if errors.As(err, &pe) {
				err = fmt.Errorf("%s: %w", pe.Path, pe.Err)
			}
			diags.AddAttributeError(path.Root("ca_cert_file"), "Cannot read ca_cert_file",
				fmt.Sprintf("Reading the CA certificate file failed: %v. Check the path and its permissions.", err))
			return nil
		}
		if _, err := osm.ParseCertificatesPEM(b); err != nil {
			diags.AddAttributeError(path.Root("ca_cert_file"), "Invalid ca_cert_file value",
				fmt.Sprintf("The file %q %s. It must hold one or more PEM \"CERTIFICATE\" blocks.", file, err))
			return nil
		}
		return b
	case s["ca_cert_pem"].set():
		b := []byte(s.str("ca_cert_pem"))
		if _, err := osm.ParseCertificatesPEM(b); err != nil {
			diags.AddAttributeError(path.Root("ca_cert_pem"), "Invalid ca_cert_pem value",
				fmt.Sprintf("The ca_cert_pem value %s. It must hold one or more PEM \"CERTIFICATE\" blocks.", err))
			return nil
		}
		return b
	}
	return nil
}

// languageWarning warns about an X-Language value the service does not
// document; it is sent as it is.
func languageWarning(r resolved, diags *diag.Diagnostics) {
	if slices.Contains(documentedLanguages, strings.ToLower(r.value)) {
		return
	}
	detail := fmt.Sprintf("The language %q, set %s, is not one the Service Ticket API documents (%s). "+
		"It is sent as the X-Language header as it is; the service may answer in its default language (zh-cn) "+
		"or refuse it. The language changes the service's error messages and, in ticket details, type and category names; "+
		"status_name is always English.", osm.Sanitize(r.value, 40), r.where(), strings.Join(documentedLanguages, ", "))
	if r.source == "attribute" {
		diags.AddAttributeWarning(path.Root("language"), "Undocumented language", detail)
		return
	}
	diags.AddWarning("Undocumented language", detail)
}

// addWarnings adds the warnings that Configure and every read repeat, so
// that they cannot be forgotten: TLS verification turned off.
func (d *providerData) addWarnings(diags *diag.Diagnostics) {
	if on, _ := strconv.ParseBool(d.insecure.value); !on {
		return
	}
	summary := "TLS certificate verification is disabled"
	detail := "The provider does not verify the Service Ticket API's certificate, so anyone on the network path " +
		"can impersonate the service and read the token. "
	if d.password {
		detail = "The provider verifies neither the Service Ticket API's certificate nor IAM's, so anyone on the network path " +
			"can impersonate them and read the token and the password sent to IAM. "
	}
	if d.insecure.source == "attribute" {
		diags.AddAttributeWarning(path.Root("insecure"), summary, detail+
			"Remove insecure = true from the provider block; to trust a private CA, set ca_cert_file or ca_cert_pem instead.")
		return
	}
	diags.AddWarning(summary, detail+"It was disabled by the "+d.insecure.source+
		" environment variable. Unset it; to trust a private CA, set ca_cert_file or ca_cert_pem in the provider block instead.")
}

// providerDataOf is every data source's Configure: the configured
// provider's shared client, or nil before the provider is configured.
func providerDataOf(req datasource.ConfigureRequest, diags *diag.Diagnostics) *providerData {
	if req.ProviderData == nil {
		return nil
	}
	data, ok := req.ProviderData.(*providerData)
	if !ok {
		diags.AddError("Unexpected Data Source Configure Type",
			fmt.Sprintf("Expected *provider.providerData, got: %T. Please report this issue to the provider developers.", req.ProviderData))
	}
	return data
}

func (p *servicerequestProvider) Resources(context.Context) []func() resource.Resource { return nil }

func (p *servicerequestProvider) DataSources(context.Context) []func() datasource.DataSource {
	return []func() datasource.DataSource{
		NewCaseStatusDataSource, NewCaseStatusesDataSource,
		NewCaseDataSource, NewCasesDataSource, NewCaseCountsDataSource,
	}
}

func (p *servicerequestProvider) Functions(context.Context) []func() function.Function {
	return []func() function.Function{NewStatusNameFunction, NewIsClosedFunction}
}

func (p *servicerequestProvider) Actions(context.Context) []func() action.Action {
	return []func() action.Action{NewWaitForCaseStatusAction}
}
