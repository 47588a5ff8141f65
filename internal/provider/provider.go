// Package provider is the Terraform face of the Service Ticket API: it
// declares the schemas, converts and validates configuration, and calls the
// osm client.
package provider

import (
	"context"
	"fmt"
	"os"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/action"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/function"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/provider/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/osm-tools/terraform-provider-servicerequest/internal/osm"
)

// Environment variables the provider reads, named as the Huawei Cloud
// provider names them.
const (
	EnvAuthToken   = "HW_AUTH_TOKEN"
	EnvOSAuthToken = "OS_AUTH_TOKEN"
	EnvLanguage    = "HW_LANGUAGE"
	EnvTimeZone    = "HW_TIME_ZONE"
	EnvEndpoint    = "HW_OSM_ENDPOINT"
)

// DefaultEndpoint is the documented host of the China site.
const DefaultEndpoint = "https://osm.cn-south-1.myhuaweicloud.com"

// siteEndpoints are the documented hosts (OSM-FACTS.md, "Hosts").
var siteEndpoints = map[string]string{
	"china":         "https://osm.cn-south-1.myhuaweicloud.com",
	"international": "https://osm.ap-southeast-3.myhuaweicloud.com",
	"europe":        "https://osm.eu-west-101.myhuaweicloud.eu",
}

var (
	_ provider.Provider              = (*servicerequestProvider)(nil)
	_ provider.ProviderWithFunctions = (*servicerequestProvider)(nil)
	_ provider.ProviderWithActions   = (*servicerequestProvider)(nil)
)

type servicerequestProvider struct {
	version string
}

// New returns a constructor of the provider, for providerserver.Serve and
// for tests ("test").
func New(version string) func() provider.Provider {
	return func() provider.Provider { return &servicerequestProvider{version: version} }
}

type providerModel struct {
	Token    types.String `tfsdk:"token"`
	Language types.String `tfsdk:"language"`
	TimeZone types.String `tfsdk:"time_zone"`
	Endpoint types.String `tfsdk:"endpoint"`
	Site     types.String `tfsdk:"site"`
	authModel
	transportModel
	// provider_scale.go
	MaxConcurrency       types.Int64   `tfsdk:"max_concurrency"`
	MaxRequestsPerSecond types.Float64 `tfsdk:"max_requests_per_second"`
}

// providerData is what every data source of one configured provider shares.
type providerData struct {
	client    *osm.Client
	transport transportSettings
}

func (p *servicerequestProvider) Metadata(_ context.Context, _ provider.MetadataRequest, resp *provider.MetadataResponse) {
	resp.TypeName = "servicerequest"
	resp.Version = p.version
}

func (p *servicerequestProvider) Schema(_ context.Context, _ provider.SchemaRequest, resp *provider.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Reads the status of Huawei Cloud service tickets through the Service Ticket (OSM) API, " +
			"so that a plan can read, or refuse to proceed on, the state of a support ticket. " +
			"It authenticates with a token, an access key pair (AK/SK signing) or an IAM password login.",
		Attributes: withTransportAttributes(map[string]schema.Attribute{
			"token": schema.StringAttribute{
				MarkdownDescription: "IAM user token, sent as the `X-Auth-Token` header. " +
					"Falls back to the `" + EnvAuthToken + "` environment variable, then `" + EnvOSAuthToken + "`. " +
					fmt.Sprintf("1 to %d characters. ", osm.TokenMaxLength) +
					"IAM tokens expire after 24 hours; prefer setting it from the environment rather than in configuration, " +
					"or use `access_key`/`secret_key` or a password login. " + precedence,
				Optional:   true,
				Sensitive:  true,
				Validators: []validator.String{headerValue(osm.TokenMaxLength)},
			},
			"language": schema.StringAttribute{
				MarkdownDescription: "Language of the answers, sent as the `X-Language` header, for example `zh-cn` or `en-us`. " +
					"Falls back to the `" + EnvLanguage + "` environment variable, then `" + osm.DefaultLanguage + "`. " +
					fmt.Sprintf("1 to %d characters.", osm.LanguageMaxLength),
				Optional:   true,
				Validators: []validator.String{headerValue(osm.LanguageMaxLength)},
			},
			"time_zone": schema.StringAttribute{
				MarkdownDescription: "Time zone of the answers, sent as the `X-Time-Zone` header, for example `GMT+8`. " +
					"Falls back to the `" + EnvTimeZone + "` environment variable, then `" + osm.DefaultTimeZone + "`. " +
					fmt.Sprintf("1 to %d characters.", osm.TimeZoneMaxLength),
				Optional:   true,
				Validators: []validator.String{headerValue(osm.TimeZoneMaxLength)},
			},
			"endpoint": schema.StringAttribute{
				MarkdownDescription: "Base URL of the Service Ticket API. An absolute `https://` (or `http://`) URL; " +
					"a path prefix and a trailing slash are allowed. Falls back to the `" + EnvEndpoint + "` environment variable, " +
					"then `" + DefaultEndpoint + "`. Conflicts with `site`.",
				Optional:   true,
				Validators: []validator.String{endpointURL(), stringvalidator.ConflictsWith(path.MatchRoot("site"))},
			},
			"site": schema.StringAttribute{
				MarkdownDescription: "Shortcut for the documented hosts: `china` (`osm.cn-south-1.myhuaweicloud.com`), " +
					"`international` (`osm.ap-southeast-3.myhuaweicloud.com`) or `europe` (`osm.eu-west-101.myhuaweicloud.eu`). " +
					"Takes precedence over the `" + EnvEndpoint + "` environment variable. Conflicts with `endpoint`.",
				Optional:   true,
				Validators: []validator.String{stringvalidator.OneOf("china", "international", "europe")},
			},
			"max_concurrency":         maxConcurrencyAttribute(),
			"max_requests_per_second": maxRequestsPerSecondAttribute(),
		}),
	}
	for name, attr := range authAttributes() {
		resp.Schema.Attributes[name] = attr
	}
}

// setting resolves one string setting: the configuration, else the first
// environment variable set, else the default. source names where the value
// came from, for diagnostics.
func setting(v types.String, def string, envs ...string) (value, source string) {
	if !v.IsNull() {
		return v.ValueString(), "attribute"
	}
	for _, e := range envs {
		if s, ok := os.LookupEnv(e); ok && s != "" {
			return s, e
		}
	}
	return def, "default"
}

func (p *servicerequestProvider) Configure(ctx context.Context, req provider.ConfigureRequest, resp *provider.ConfigureResponse) {
	var cfg providerModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &cfg)...)
	if resp.Diagnostics.HasError() {
		return
	}
	for name, v := range map[string]types.String{
		"token": cfg.Token, "language": cfg.Language, "time_zone": cfg.TimeZone,
		"endpoint": cfg.Endpoint, "site": cfg.Site,
	} {
		if v.IsUnknown() {
			resp.Diagnostics.AddAttributeError(path.Root(name), "Unknown "+name+" value",
				"The provider cannot be configured with a "+name+" that is only known after apply. "+
					"Use a value known at plan time, or leave it unset to use the environment variable or the default.")
		}
	}
	maxConcurrency, maxRPS := scaleSettings(cfg.MaxConcurrency, cfg.MaxRequestsPerSecond, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}

	creds := resolveCredentials(ctx, cfg.Token, cfg.authModel, &resp.Diagnostics)
	if creds == nil {
		return
	}
	language, languageSrc := setting(cfg.Language, osm.DefaultLanguage, EnvLanguage)
	timeZone, timeZoneSrc := setting(cfg.TimeZone, osm.DefaultTimeZone, EnvTimeZone)
	endpoint, endpointSrc := resolveEndpoint(cfg)

	checkSetting(&resp.Diagnostics, "language", languageSrc, func() error { return osm.ValidateHeaderValue(language, osm.LanguageMaxLength) })
	checkSetting(&resp.Diagnostics, "time_zone", timeZoneSrc, func() error { return osm.ValidateHeaderValue(timeZone, osm.TimeZoneMaxLength) })
	checkSetting(&resp.Diagnostics, "endpoint", endpointSrc, func() error { _, err := osm.ParseEndpoint(endpoint); return err })
	transport := resolveTransport(cfg.transportModel, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	transport.insecureWarning(&resp.Diagnostics)
	httpClient, err := osm.NewHTTPClient(osm.TransportOptions{CACertPEM: transport.caPEM, Insecure: transport.insecure})
	if err != nil {
		resp.Diagnostics.AddError("Cannot configure the Service Ticket API client", err.Error())
		return
	}

	userAgent := fmt.Sprintf("terraform-provider-servicerequest/%s terraform/%s", p.version, req.TerraformVersion)
	logger := newLogger(creds.secrets()...)
	auth := creds.authenticator(ctx, httpClient, userAgent, logger, &resp.Diagnostics)
	if auth == nil {
		return
	}
	client, err := osm.New(osm.Config{
		Endpoint:   endpoint,
		Auth:       auth,
		Language:   language,
		TimeZone:   timeZone,
		UserAgent:  userAgent,
		HTTPClient: httpClient,
		Logger:     logger,

		MaxRetries:     transport.maxRetries,
		RetryMinDelay:  transport.minDelay,
		RetryMaxDelay:  transport.maxDelay,
		RequestTimeout: transport.timeout,

		MaxConcurrency:       maxConcurrency,
		MaxRequestsPerSecond: maxRPS,
	})
	if err != nil {
		resp.Diagnostics.AddError("Cannot configure the Service Ticket API client", err.Error())
		return
	}
	data := &providerData{client: client, transport: transport}
	resp.DataSourceData = data
	resp.ActionData = data
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

// resolveEndpoint picks the base URL: the endpoint attribute, else the site
// attribute's documented host, else HW_OSM_ENDPOINT, else the China site.
func resolveEndpoint(cfg providerModel) (endpoint, source string) {
	if cfg.Endpoint.IsNull() && !cfg.Site.IsNull() {
		return siteEndpoints[cfg.Site.ValueString()], "attribute"
	}
	return setting(cfg.Endpoint, DefaultEndpoint, EnvEndpoint)
}

// checkSetting reports a value that the schema validators could not see
// (one from the environment) against the attribute it stands for.
func checkSetting(diags *diag.Diagnostics, attr, source string, check func() error) {
	err := check()
	if err == nil {
		return
	}
	if source == "attribute" || source == "default" {
		diags.AddAttributeError(path.Root(attr), "Invalid "+attr+" value", fmt.Sprintf("The %s %s.", attr, err))
		return
	}
	diags.AddAttributeError(path.Root(attr), "Invalid "+attr+" value",
		fmt.Sprintf("The %s environment variable, used for %s, %s. Fix or unset the variable, or set %s in the provider block.",
			source, attr, err, attr))
}

func (p *servicerequestProvider) Resources(context.Context) []func() resource.Resource { return nil }

func (p *servicerequestProvider) DataSources(context.Context) []func() datasource.DataSource {
	return []func() datasource.DataSource{NewCaseStatusDataSource, NewCaseStatusesDataSource}
}

func (p *servicerequestProvider) Functions(context.Context) []func() function.Function {
	return []func() function.Function{NewStatusNameFunction, NewIsClosedFunction}
}

func (p *servicerequestProvider) Actions(context.Context) []func() action.Action {
	return []func() action.Action{NewWaitForCaseStatusAction}
}
