package provider

import (
	"context"
	"errors"
	"fmt"
	"os"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/provider/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/osm-tools/terraform-provider-servicerequest/internal/osm"
)

// Every provider setting is declared once, in the table below: its schema
// attribute, the environment variables it falls back to, its default and
// the form an environment value must have. resolveSettings applies
// "attribute, else the first environment variable set, else the default"
// to all of them the same way.

// Environment variables the provider reads, named as the Huawei Cloud
// provider names them.
const (
	EnvAuthToken     = "HW_AUTH_TOKEN"
	EnvOSAuthToken   = "OS_AUTH_TOKEN"
	EnvLanguage      = "HW_LANGUAGE"
	EnvTimeZone      = "HW_TIME_ZONE"
	EnvEndpoint      = "HW_OSM_ENDPOINT"
	EnvAccessKey     = "HW_ACCESS_KEY"
	EnvSecretKey     = "HW_SECRET_KEY"
	EnvSecurityToken = "HW_SECURITY_TOKEN"
	EnvDomainID      = "HW_DOMAIN_ID"
	EnvUserName      = "HW_USER_NAME"
	EnvPassword      = "HW_USER_PASSWORD"
	EnvDomainName    = "HW_DOMAIN_NAME"
	EnvAuthURL       = "HW_AUTH_URL"
	EnvMaxRetries    = "HW_MAX_RETRIES"
	EnvInsecure      = "HW_INSECURE"

	EnvRegion           = "HW_REGION_NAME"
	EnvCloud            = "HW_CLOUD"
	EnvSharedConfigFile = "HW_SHARED_CONFIG_FILE"
	EnvProfile          = "HW_PROFILE"
	EnvAgencyName       = "HW_ASSUME_ROLE_AGENCY_NAME"
	EnvAgencyDomainName = "HW_ASSUME_ROLE_DOMAIN_NAME"
	EnvAgencyDomainID   = "HW_ASSUME_ROLE_DOMAIN_ID"
	EnvAgencyDuration   = "HW_ASSUME_ROLE_DURATION"
)

// DefaultEndpoint is the documented host of the China site.
const DefaultEndpoint = "https://osm.cn-south-1.myhuaweicloud.com"

// siteEndpoints are the service's documented hosts, one per site.
var siteEndpoints = map[string]string{
	"china":         "https://osm.cn-south-1.myhuaweicloud.com",
	"international": "https://osm.ap-southeast-3.myhuaweicloud.com",
	"europe":        "https://osm.eu-west-101.myhuaweicloud.eu",
}

// documentedLanguages are the X-Language values the service documents.
var documentedLanguages = []string{"zh-cn", "en-us"}

// Limits of the reliability settings. Retries wait at least
// minRetryDelayLimit, so that no setting and no Retry-After can make them
// back-to-back.
const (
	maxRetriesLimit    = 20
	minRetryDelayLimit = 100 * time.Millisecond
	retryDelayLimit    = time.Hour
	minRequestTimeout  = 10 * time.Millisecond
	maxRequestTimeout  = time.Hour
)

const precedence = "When several methods are configured, `token` wins, then `access_key`/`secret_key` " +
	"(from the provider block, the environment, then the shared config file), then the password login."

// LookupEnv reads one environment variable, as os.LookupEnv does. The
// provider reads its environment through one, so that tests can give it an
// environment of their own and run in parallel.
type LookupEnv func(name string) (string, bool)

// setting is one provider attribute.
type setting struct {
	attr   string
	envs   []string // read in order when the attribute is null
	def    string   // the default, as text; "" for none
	secret bool     // never quoted in a diagnostic
	// credential settings are checked only when their authentication
	// method is the one used (resolveCredentials), so that leftovers of
	// another method in the environment cannot fail a working one.
	credential bool
	// check validates a value taken from the environment (the schema's
	// validators check the attribute); expect says what it wants.
	check  func(string) error
	expect string
	schema schema.Attribute
}

func header(maxLen int) func(string) error {
	return func(s string) error { return osm.ValidateHeaderValue(s, maxLen) }
}

func headerExpect(maxLen int) string {
	return fmt.Sprintf("1 to %d characters with no control characters and no leading or trailing spaces", maxLen)
}

// providerSettings is every provider attribute, in the order they resolve.
var providerSettings = []setting{
	{attr: "token", credential: true, envs: []string{EnvAuthToken, EnvOSAuthToken}, secret: true,
		check: header(osm.TokenMaxLength), expect: headerExpect(osm.TokenMaxLength),
		schema: schema.StringAttribute{
			MarkdownDescription: "IAM user token, sent as the `X-Auth-Token` header. " +
				"Falls back to the `" + EnvAuthToken + "` environment variable, then `" + EnvOSAuthToken + "`. " +
				fmt.Sprintf("1 to %d characters. ", osm.TokenMaxLength) +
				"IAM tokens expire after 24 hours; prefer setting it from the environment rather than in configuration, " +
				"or use `access_key`/`secret_key` or a password login. " + precedence,
			Optional:   true,
			Sensitive:  true,
			Validators: []validator.String{headerValue(osm.TokenMaxLength)},
		}},
	{attr: "language", envs: []string{EnvLanguage}, def: osm.DefaultLanguage,
		check: header(osm.LanguageMaxLength), expect: `a language such as "en-us" or "zh-cn"`,
		schema: schema.StringAttribute{
			MarkdownDescription: "Language of the answers, sent as the `X-Language` header. The service documents `zh-cn` and `en-us`; " +
				"any other value is sent as it is, with a warning. It changes the language of the service's `error_msg` texts and, " +
				"in ticket details, of type and category names; `status_name` is always English. " +
				"Falls back to the `" + EnvLanguage + "` environment variable, then `" + osm.DefaultLanguage + "`. " +
				fmt.Sprintf("1 to %d characters.", osm.LanguageMaxLength),
			Optional:   true,
			Validators: []validator.String{headerValue(osm.LanguageMaxLength)},
		}},
	{attr: "time_zone", envs: []string{EnvTimeZone}, def: osm.DefaultTimeZone,
		check: header(osm.TimeZoneMaxLength), expect: `a time zone such as "GMT+8" or "GMT-3:30"`,
		schema: schema.StringAttribute{
			MarkdownDescription: "Time zone of the answers, sent as the `X-Time-Zone` header, for example `GMT+8` (the documented form) " +
				"or `GMT-3:30`. The service formats the times of ticket details in it. " +
				"Falls back to the `" + EnvTimeZone + "` environment variable, then `" + osm.DefaultTimeZone + "`. " +
				fmt.Sprintf("1 to %d characters.", osm.TimeZoneMaxLength),
			Optional:   true,
			Validators: []validator.String{headerValue(osm.TimeZoneMaxLength)},
		}},
	{attr: "site",
		schema: schema.StringAttribute{
			MarkdownDescription: "Shortcut for the documented hosts: `china` (`osm.cn-south-1.myhuaweicloud.com`), " +
				"`international` (`osm.ap-southeast-3.myhuaweicloud.com`) or `europe` (`osm.eu-west-101.myhuaweicloud.eu`). " +
				"Takes precedence over the `" + EnvEndpoint + "` environment variable. Conflicts with `endpoint`. " +
				"When neither `site` nor `endpoint` is set, `cloud` (or an `eu-west-1*` `region`) chooses it: `europe` for " +
				"`myhuaweicloud.eu`, else `china`.",
			Optional:   true,
			Validators: []validator.String{stringvalidator.OneOf("china", "international", "europe")},
		}},
	{attr: "endpoint", envs: []string{EnvEndpoint}, def: DefaultEndpoint,
		check:  func(s string) error { _, err := osm.ParseEndpoint(s); return err },
		expect: `an absolute URL such as "https://osm.cn-south-1.myhuaweicloud.com" (http:// only for a loopback address)`,
		schema: schema.StringAttribute{
			MarkdownDescription: "Base URL of the Service Ticket API. An absolute `https://` URL; `http://` only for a loopback " +
				"address (`127.0.0.1`, `::1`, `localhost`), since the credentials would otherwise cross the network in cleartext. " +
				"A path prefix and a trailing slash are allowed. Falls back to the `" + EnvEndpoint + "` environment variable, " +
				"then the host of the site `cloud` chooses (`" + DefaultEndpoint + "` by default). Conflicts with `site`. " +
				"The host is never built from `region`: the service has one host per site.",
			Optional:   true,
			Validators: []validator.String{endpointURL(), stringvalidator.ConflictsWith(path.MatchRoot("site"))},
		}},
	{attr: "access_key", credential: true, envs: []string{EnvAccessKey},
		check: osm.ValidateAccessKey, expect: fmt.Sprintf(`1 to %d characters with no spaces, "," or "="`, osm.AccessKeyMaxLength),
		schema: schema.StringAttribute{
			MarkdownDescription: "Access key (AK) of an access key pair: every request is then signed with `SDK-HMAC-SHA256` " +
				"and nothing expires. Requires `secret_key`. Falls back to the `" + EnvAccessKey + "` environment variable. " +
				fmt.Sprintf("1 to %d characters, no spaces, `,` or `=`. ", osm.AccessKeyMaxLength) + precedence,
			Optional:   true,
			Validators: []validator.String{checkValidator{check: osm.ValidateAccessKey, desc: fmt.Sprintf(`1 to %d characters with no spaces, "," or "="`, osm.AccessKeyMaxLength)}},
		}},
	{attr: "secret_key", credential: true, envs: []string{EnvSecretKey}, secret: true,
		check: header(osm.SecretKeyMaxLength), expect: headerExpect(osm.SecretKeyMaxLength),
		schema: schema.StringAttribute{
			MarkdownDescription: "Secret key (SK) of the access key pair; it signs requests and is never sent. Requires `access_key`. " +
				"Falls back to the `" + EnvSecretKey + "` environment variable; prefer the variable to the configuration. " +
				fmt.Sprintf("1 to %d characters.", osm.SecretKeyMaxLength),
			Optional:   true,
			Sensitive:  true,
			Validators: []validator.String{headerValue(osm.SecretKeyMaxLength)},
		}},
	{attr: "security_token", credential: true, envs: []string{EnvSecurityToken}, secret: true,
		check: header(osm.SecurityTokenMaxLength), expect: headerExpect(osm.SecurityTokenMaxLength),
		schema: schema.StringAttribute{
			MarkdownDescription: "Security token of temporary access keys (from IAM's temporary credentials or an agency), sent signed as the " +
				"`X-Security-Token` header. Only with `access_key`/`secret_key`. Falls back to the `" + EnvSecurityToken + "` environment variable. " +
				fmt.Sprintf("1 to %d characters.", osm.SecurityTokenMaxLength),
			Optional:   true,
			Sensitive:  true,
			Validators: []validator.String{headerValue(osm.SecurityTokenMaxLength)},
		}},
	{attr: "domain_id", credential: true, envs: []string{EnvDomainID},
		check: header(osm.DomainIDMaxLength), expect: headerExpect(osm.DomainIDMaxLength),
		schema: schema.StringAttribute{
			MarkdownDescription: "Account (domain) ID, sent signed as the `X-Domain-Id` header with AK/SK-signed requests, " +
				"as the gateway of global services expects. Used only with `access_key`/`secret_key`. Falls back to the `" + EnvDomainID +
				"` environment variable; not sent when unset. " + fmt.Sprintf("1 to %d characters.", osm.DomainIDMaxLength),
			Optional:   true,
			Validators: []validator.String{headerValue(osm.DomainIDMaxLength)},
		}},
	{attr: "user_name", credential: true, envs: []string{EnvUserName},
		check: header(osm.UserNameMaxLength), expect: headerExpect(osm.UserNameMaxLength),
		schema: schema.StringAttribute{
			MarkdownDescription: "IAM user name for a password login: the provider asks IAM for a token once per run " +
				"(`POST {auth_url}/auth/tokens`, scoped to the account) and fetches it again once if the service rejects it. " +
				"Requires `password` and `domain_name`. Falls back to the `" + EnvUserName + "` environment variable. " +
				fmt.Sprintf("1 to %d characters. ", osm.UserNameMaxLength) + precedence,
			Optional:   true,
			Validators: []validator.String{headerValue(osm.UserNameMaxLength)},
		}},
	{attr: "password", credential: true, envs: []string{EnvPassword}, secret: true,
		check: osm.ValidatePassword, expect: fmt.Sprintf("1 to %d characters with no control characters", osm.PasswordMaxLength),
		schema: schema.StringAttribute{
			MarkdownDescription: "Password of the IAM user; it is sent only to IAM, in the body of the login request. " +
				"Falls back to the `" + EnvPassword + "` environment variable; prefer the variable to the configuration. " +
				fmt.Sprintf("1 to %d characters.", osm.PasswordMaxLength),
			Optional:  true,
			Sensitive: true,
			Validators: []validator.String{checkValidator{check: osm.ValidatePassword,
				desc: fmt.Sprintf("1 to %d characters with no control characters", osm.PasswordMaxLength)}},
		}},
	{attr: "domain_name", credential: true, envs: []string{EnvDomainName},
		check: header(osm.DomainNameMaxLength), expect: headerExpect(osm.DomainNameMaxLength),
		schema: schema.StringAttribute{
			MarkdownDescription: "Account (domain) name the IAM user belongs to; the token is scoped to it. Used only for the password login. " +
				"Falls back to the `" + EnvDomainName + "` environment variable. " + fmt.Sprintf("1 to %d characters.", osm.DomainNameMaxLength),
			Optional:   true,
			Validators: []validator.String{headerValue(osm.DomainNameMaxLength)},
		}},
	{attr: "auth_url", credential: true, envs: []string{EnvAuthURL},
		check:  func(s string) error { _, err := osm.ParseAuthURL(s); return err },
		expect: `an absolute https URL such as "` + osm.DefaultAuthURL + `"`,
		schema: schema.StringAttribute{
			MarkdownDescription: "IAM base URL for the password login and the `assume_role` exchange, for example " +
				"`https://iam.ap-southeast-3.myhuaweicloud.com/v3`. An absolute `https://` URL (`http://` only for a loopback address); " +
				"a path prefix and a trailing slash are allowed. Falls back to the `" + EnvAuthURL + "` environment variable, then, " +
				"as the Huawei Cloud provider does, the regional IAM `https://iam.{region}.{cloud}/v3` when `region` is known, " +
				"`https://iam.eu-west-101.myhuaweicloud.eu/v3` on the `myhuaweicloud.eu` cloud, else `" + osm.DefaultAuthURL + "`.",
			Optional: true,
			Validators: []validator.String{checkValidator{
				check: func(s string) error { _, err := osm.ParseAuthURL(s); return err },
				desc:  `an absolute https URL such as "` + osm.DefaultAuthURL + `"`,
			}},
		}},
	{attr: "region", envs: []string{EnvRegion}, check: checkRegion, expect: `a region name such as "cn-north-4" or "eu-west-101"`,
		schema: schema.StringAttribute{
			MarkdownDescription: "Huawei Cloud region, such as `cn-north-4`. The Service Ticket API has one host per site, " +
				"so the region never picks the API host; it only chooses the default `auth_url` (`https://iam.{region}.{cloud}/v3`) " +
				"and, for an `eu-west-1*` region, the `myhuaweicloud.eu` cloud. Falls back to the `" + EnvRegion +
				"` environment variable, then the shared config profile's `region`. Lower-case letters, digits and `-`.",
			Optional:   true,
			Validators: []validator.String{checkValidator{check: checkRegion, desc: "lower-case letters, digits and \"-\", such as \"cn-north-4\""}},
		}},
	{attr: "cloud", envs: []string{EnvCloud}, check: checkCloud, expect: `a domain such as "myhuaweicloud.com" or "myhuaweicloud.eu"`,
		schema: schema.StringAttribute{
			MarkdownDescription: "Cloud domain: `myhuaweicloud.com` or `myhuaweicloud.eu` (the European site). Falls back to the `" +
				EnvCloud + "` environment variable, then `myhuaweicloud.eu` for an `eu-west-1*` `region` or `site = \"europe\"`, else " +
				"`myhuaweicloud.com`. It chooses the site when neither `site` nor `endpoint` is set, and the default `auth_url`. " +
				"Another domain needs `endpoint`, since the service documents no host there.",
			Optional:   true,
			Validators: []validator.String{checkValidator{check: checkCloud, desc: "a domain such as \"myhuaweicloud.com\""}},
		}},
	{attr: "x_site",
		schema: schema.Int64Attribute{
			MarkdownDescription: "Value of the `X-Site` header sent with every request, which tells the service which site " +
				"the account belongs to: `0` for the China site, `1` for the International site (an international account " +
				"read as a China-site one is refused). By default it follows `site`: `0` for `china`, `1` for `international`; " +
				"none is sent for `europe` or a custom `endpoint`. Signed like every `X-` header with access keys.",
			Optional:   true,
			Validators: []validator.Int64{int64validator.OneOf(0, 1)},
		}},
	{attr: "shared_config_file", envs: []string{EnvSharedConfigFile},
		schema: schema.StringAttribute{
			MarkdownDescription: "Path of the shared config file of KooCLI (`hcloud`), JSON, to read an access key from; `~/` is " +
				"expanded. Falls back to the `" + EnvSharedConfigFile + "` environment variable, then `~/.hcloud/config.json` when " +
				"`profile` is set. The file is read only when this or `profile` is set. Its access keys are used only when neither " +
				"the provider block nor the environment sets `access_key` or `secret_key` (block > environment > file, unlike the " +
				"Huawei Cloud provider, where the file overrides both). Keys must be stored unencrypted " +
				"(`hcloud configure set --cli-auth-encrypt=false`).",
			Optional:   true,
			Validators: []validator.String{stringvalidator.LengthAtLeast(1)},
		}},
	{attr: "profile", envs: []string{EnvProfile},
		schema: schema.StringAttribute{
			MarkdownDescription: "Name of the profile of the shared config file to read: its `accessKeyId`, `secretAccessKey` and " +
				"`securityToken` (`ssoAuth.stsToken` for an SSO profile), and `region`, `domainId`, `agencyName` and " +
				"`agencyDomainName` where the provider block and the environment leave them unset. Falls back to the `" +
				EnvProfile + "` environment variable, then the file's `current` profile.",
			Optional:   true,
			Validators: []validator.String{stringvalidator.LengthAtLeast(1)},
		}},
	{attr: "assume_role.agency_name", credential: true, envs: []string{EnvAgencyName}, check: osm.ValidateAgencyName,
		expect: fmt.Sprintf(`1 to %d characters without ":"`, osm.AgencyNameMaxLength),
		schema: schema.StringAttribute{
			MarkdownDescription: "Name of the agency to assume: the provider exchanges its credentials for the agency's temporary " +
				"access keys and signs every request with them. Without an `assume_role` block, the `" + EnvAgencyName +
				"` environment variable turns assume-role on, then the profile's `agencyName`. Required in the block.",
			Optional:   true,
			Validators: []validator.String{checkValidator{check: osm.ValidateAgencyName, desc: fmt.Sprintf(`1 to %d characters without ":"`, osm.AgencyNameMaxLength)}},
		}},
	{attr: "assume_role.domain_name", credential: true, envs: []string{EnvAgencyDomainName},
		check: header(osm.DomainNameMaxLength), expect: headerExpect(osm.DomainNameMaxLength),
		schema: schema.StringAttribute{
			MarkdownDescription: "Name of the account that owns the agency. The exchange is then IAM's " +
				"`POST /v3.0/OS-CREDENTIAL/securitytokens` on the `auth_url` host. Set this or `domain_id`. " +
				"Without a block: `" + EnvAgencyDomainName + "`, then the profile's `agencyDomainName`.",
			Optional:   true,
			Validators: []validator.String{headerValue(osm.DomainNameMaxLength), stringvalidator.ConflictsWith(path.MatchRelative().AtParent().AtName("domain_id"))},
		}},
	{attr: "assume_role.domain_id", credential: true, envs: []string{EnvAgencyDomainID},
		check: header(osm.DomainIDMaxLength), expect: headerExpect(osm.DomainIDMaxLength),
		schema: schema.StringAttribute{
			MarkdownDescription: "ID of the account that owns the agency. The exchange is then STS's `POST /v5/agencies/assume` " +
				"(agency URN `iam::{domain_id}:agency:{agency_name}`) on the `auth_url` host with `iam.` replaced by `sts.`. " +
				"Set this or `domain_name`. Without a block: `" + EnvAgencyDomainID + "`.",
			Optional:   true,
			Validators: []validator.String{headerValue(osm.DomainIDMaxLength)},
		}},
	{attr: "assume_role.duration", credential: true, envs: []string{EnvAgencyDuration}, check: checkAgencyDuration,
		expect: fmt.Sprintf("a whole number of seconds from %d to %d", int(osm.MinAgencyDuration.Seconds()), int(osm.MaxAgencyDuration.Seconds())),
		schema: schema.Int64Attribute{
			MarkdownDescription: fmt.Sprintf("Lifetime of the temporary access keys in seconds, %d to %d. Unset, the IAM call asks "+
				"for %d (12 hours, as the Huawei Cloud provider) and the STS call leaves it to STS. The keys are exchanged again "+
				"%s before they expire (half their lifetime before, for shorter ones), so a long wait cannot outlive them. "+
				"Without a block: `%s`.", int(osm.MinAgencyDuration.Seconds()), int(osm.MaxAgencyDuration.Seconds()),
				int(osm.DefaultAgencyDuration.Seconds()), osm.FormatDuration(osm.AgencyRenewBefore), EnvAgencyDuration),
			Optional:   true,
			Validators: []validator.Int64{int64validator.Between(int64(osm.MinAgencyDuration.Seconds()), int64(osm.MaxAgencyDuration.Seconds()))},
		}},
	{attr: "max_retries", envs: []string{EnvMaxRetries}, def: strconv.Itoa(osm.DefaultMaxRetries),
		check: func(s string) error {
			if n, err := strconv.Atoi(s); err != nil || n < 0 || n > maxRetriesLimit {
				return errors.New("is not a whole number in range")
			}
			return nil
		},
		expect: fmt.Sprintf("a whole number from 0 to %d", maxRetriesLimit),
		schema: schema.Int64Attribute{
			MarkdownDescription: fmt.Sprintf("How many times a failed request is retried: after a connection failure "+
				"(refused, reset, closed or cut before a complete answer, no answer within `request_timeout`) or an "+
				"HTTP 429, 500, 502, 503 or 504 answer. Other answers (other 4xx, 501, a TLS verification failure, "+
				"an HTTP 200 with an `error_code`) are never retried. A throttled answer (HTTP 429 or `APIGW.0308`) does not "+
				"use up these retries: it is retried up to %d times, each after a pause of every request of the provider. "+
				"The IAM password login is retried by the same rules. `0` disables every retry. "+
				"Falls back to the `%s` environment variable, then `%d`. 0 to %d.",
				osm.MaxThrottleRetries, EnvMaxRetries, osm.DefaultMaxRetries, maxRetriesLimit),
			Optional:   true,
			Validators: []validator.Int64{int64validator.Between(0, maxRetriesLimit)},
		}},
	{attr: "retry_min_delay", def: osm.FormatDuration(osm.DefaultRetryMinDelay),
		schema: schema.StringAttribute{
			MarkdownDescription: "Shortest wait before a retry, as a duration such as `500ms`, `1s` or `2m`. " +
				"Retry *n* waits a random time (full jitter) between `retry_min_delay` and " +
				"min(`retry_max_delay`, `retry_min_delay` × 2<sup>n</sup>), unless a 429 or 503 answer carries " +
				"`Retry-After` (seconds or an HTTP date): then that, capped by `retry_max_delay`. " +
				"`retry_min_delay` is a floor under every wait, `Retry-After` included, so that `Retry-After: 0` or a date in the " +
				"past cannot make retries back-to-back. " +
				fmt.Sprintf("Defaults to `%s`. `%s` to `%s`, and at most `retry_max_delay`.", osm.FormatDuration(osm.DefaultRetryMinDelay),
					osm.FormatDuration(minRetryDelayLimit), osm.FormatDuration(retryDelayLimit)),
			Optional:   true,
			Validators: []validator.String{durationBetween(minRetryDelayLimit, retryDelayLimit)},
		}},
	{attr: "retry_max_delay", def: osm.FormatDuration(osm.DefaultRetryMaxDelay),
		schema: schema.StringAttribute{
			MarkdownDescription: "Longest wait before a retry, `Retry-After` included, as a duration such as `30s`. " +
				fmt.Sprintf("Defaults to `%s`. `%s` to `%s`. ", osm.FormatDuration(osm.DefaultRetryMaxDelay),
					osm.FormatDuration(minRetryDelayLimit), osm.FormatDuration(retryDelayLimit)) +
				"When only this is set and it is shorter than the default `retry_min_delay`, the minimum is lowered to it.",
			Optional:   true,
			Validators: []validator.String{durationBetween(minRetryDelayLimit, retryDelayLimit)},
		}},
	{attr: "request_timeout", def: osm.FormatDuration(osm.DefaultRequestTimeout),
		schema: schema.StringAttribute{
			MarkdownDescription: "Time limit of each attempt, from sending the request to the end of the answer's body, " +
				"as a duration such as `10s`; the IAM password login's attempts too. An attempt that runs out of time is retried " +
				"like a connection failure. " +
				fmt.Sprintf("Defaults to `%s`. `%s` to `%s`. ", osm.FormatDuration(osm.DefaultRequestTimeout),
					osm.FormatDuration(minRequestTimeout), osm.FormatDuration(maxRequestTimeout)) +
				"Whatever the settings, Terraform's cancellation (Ctrl-C) stops a read at once.",
			Optional:   true,
			Validators: []validator.String{durationBetween(minRequestTimeout, maxRequestTimeout)},
		}},
	{attr: "ca_cert_file",
		schema: schema.StringAttribute{
			MarkdownDescription: "Path of a PEM file of CA certificates to trust, in addition to the system's, " +
				"for an endpoint whose certificate a private CA issued (or a TLS-inspecting proxy). " +
				"Conflicts with `ca_cert_pem`. Not set by default.",
			Optional:   true,
			Validators: []validator.String{stringvalidator.LengthAtLeast(1), stringvalidator.ConflictsWith(path.MatchRoot("ca_cert_pem"))},
		}},
	{attr: "ca_cert_pem",
		schema: schema.StringAttribute{
			MarkdownDescription: "PEM-encoded CA certificates to trust, in addition to the system's (see `ca_cert_file`). " +
				"Only `CERTIFICATE` blocks are accepted. Conflicts with `ca_cert_file`. Not set by default.",
			Optional:   true,
			Validators: []validator.String{stringvalidator.LengthAtLeast(1), stringvalidator.ConflictsWith(path.MatchRoot("ca_cert_file"))},
		}},
	{attr: "insecure", envs: []string{EnvInsecure}, def: "false",
		check: func(s string) error {
			if _, err := strconv.ParseBool(s); err != nil {
				return errors.New("is not a boolean")
			}
			return nil
		},
		expect: `"true" or "false"`,
		schema: schema.BoolAttribute{
			MarkdownDescription: "Skips the verification of the endpoint's TLS certificate. **Insecure**: anyone on the " +
				"network path can then read the token (and, with a password login, the password sent to IAM). " +
				"Every use adds a warning to Terraform's output. Prefer `ca_cert_file` or `ca_cert_pem`. " +
				"Falls back to the `" + EnvInsecure + "` environment variable (`true` or `false`), then `false`.",
			Optional: true,
		}},
	{attr: "max_concurrency",
		schema: schema.Int64Attribute{
			MarkdownDescription: fmt.Sprintf("Most requests in flight at once, shared by every data source of this provider "+
				"configuration (a `servicerequest_case_statuses` batch and singular reads alike). Default `%d`; "+
				"1 to %d. When the API throttles (HTTP 429, `APIGW.0308`), the provider pauses every request for the "+
				"`Retry-After` the gateway asks for (%s without one, at most `retry_max_delay`).",
				osm.DefaultMaxConcurrency, osm.MaxMaxConcurrency, osm.FormatDuration(osm.DefaultThrottlePause)),
			Optional:   true,
			Validators: []validator.Int64{int64validator.Between(1, osm.MaxMaxConcurrency)},
		}},
	{attr: "max_requests_per_second",
		schema: schema.Float64Attribute{
			MarkdownDescription: "Most requests per second the provider sends, shared by every data source of this " +
				"provider configuration. A number greater than 0, such as `50` or `0.5`; unset means no limit other than " +
				"`max_concurrency`. The API gateway's documented default limit is 200 calls per second per API.",
			Optional:   true,
			Validators: []validator.Float64{positiveFloat{}},
		}},
}

// providerAttributes is the provider's schema, from the table.
func providerAttributes() map[string]schema.Attribute {
	attrs := make(map[string]schema.Attribute, len(providerSettings))
	for _, s := range providerSettings {
		if !strings.Contains(s.attr, ".") {
			attrs[s.attr] = s.schema
		}
	}
	return attrs
}

// assumeRoleBlock is the provider's one block.
const assumeRoleBlock = "assume_role"

// providerBlocks is the assume_role block, from the table's
// "assume_role.*" settings.
func providerBlocks() map[string]schema.Block {
	attrs := map[string]schema.Attribute{}
	for _, s := range providerSettings {
		if block, name, ok := strings.Cut(s.attr, "."); ok && block == assumeRoleBlock {
			attrs[name] = s.schema
		}
	}
	return map[string]schema.Block{assumeRoleBlock: schema.SingleNestedBlock{
		MarkdownDescription: "Assume an agency (IAM delegation): the provider exchanges the credentials it is configured with " +
			"for the agency's temporary access keys, keeps them for the run, exchanges them again before they expire, and " +
			"signs every request with them. With this block the `HW_ASSUME_ROLE_*` environment variables are not read; " +
			"without it, `" + EnvAgencyName + "` turns assume-role on.",
		Attributes: attrs,
	}}
}

// attrPath is the schema path of a setting: "assume_role.agency_name" is
// the agency_name attribute of the assume_role block.
func attrPath(attr string) path.Path {
	if block, name, ok := strings.Cut(attr, "."); ok {
		return path.Root(block).AtName(name)
	}
	return path.Root(attr)
}

var (
	regionRe = regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`)
	cloudRe  = regexp.MustCompile(`^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)+$`)
)

func checkRegion(s string) error {
	if len(s) > 64 || !regionRe.MatchString(s) {
		return errors.New(`is not a region name (lower-case letters, digits and "-")`)
	}
	return nil
}

func checkCloud(s string) error {
	if len(s) > 253 || !cloudRe.MatchString(s) {
		return errors.New("is not a domain name")
	}
	return nil
}

func checkAgencyDuration(s string) error {
	n, err := strconv.Atoi(s)
	if err != nil || n < int(osm.MinAgencyDuration.Seconds()) || n > int(osm.MaxAgencyDuration.Seconds()) {
		return errors.New("is not a whole number of seconds in range")
	}
	return nil
}

// resolved is one setting's value and where it came from: "attribute",
// an environment variable's name, or "default".
type resolved struct {
	attr, value, source string
}

func (r resolved) set() bool { return r.value != "" }

// where says where a setting was found, for diagnostics.
func (r resolved) where() string {
	switch r.source {
	case "attribute":
		return "in the provider block"
	case "default":
		return "by default"
	}
	if r.fromFile() {
		return "in " + r.source
	}
	return "by the " + r.source + " environment variable"
}

// fromFile reports whether the value came from the shared config file.
func (r resolved) fromFile() bool { return strings.HasPrefix(r.source, profileSourcePrefix) }

// settings are the resolved provider settings, by attribute name.
type settings map[string]resolved

func (s settings) str(attr string) string { return s[attr].value }

func (s settings) integer(attr string) int {
	n, _ := strconv.Atoi(s[attr].value) // checked while resolving
	return n
}

func (s settings) float(attr string) float64 {
	f, _ := strconv.ParseFloat(s[attr].value, 64)
	return f
}

func (s settings) boolean(attr string) bool {
	b, _ := strconv.ParseBool(s[attr].value)
	return b
}

func (s settings) duration(attr string) time.Duration {
	d, _ := time.ParseDuration(s[attr].value)
	return d
}

// resolveSettings reads every setting of the table: the attribute, else the
// first non-empty environment variable (checked, and reported against the
// attribute with the variable's name and value), else the default. An
// attribute only known after apply is an error.
func resolveSettings(ctx context.Context, cfg tfsdk.Config, env LookupEnv, diags *diag.Diagnostics) settings {
	out := make(settings, len(providerSettings))
	var block types.Object
	diags.Append(cfg.GetAttribute(ctx, path.Root(assumeRoleBlock), &block)...)
	for _, s := range providerSettings {
		text, known, null := configText(ctx, cfg, s, diags)
		inBlock := strings.HasPrefix(s.attr, assumeRoleBlock+".")
		switch {
		case !known:
			diags.AddAttributeError(attrPath(s.attr), "Unknown "+s.attr+" value",
				"The provider cannot be configured with a "+s.attr+" that is only known after apply. "+
					"Use a value known at plan time, or leave it unset to use the environment variable or the default.")
			continue
		case !null:
			out[s.attr] = resolved{attr: s.attr, value: text, source: "attribute"}
			continue
		case s.attr == "endpoint" && out["site"].set():
			// site names a documented host and wins over the environment.
			out[s.attr] = resolved{attr: s.attr, value: siteEndpoints[out.str("site")], source: "attribute"}
			continue
		}
		r := resolved{attr: s.attr, value: s.def, source: "default"}
		envs := s.envs
		if inBlock && !block.IsNull() {
			envs = nil // a block is taken as a whole, never completed from the environment
			if s.attr == assumeRoleBlock+".agency_name" {
				diags.AddAttributeError(attrPath(s.attr), "Missing assume_role.agency_name",
					"The assume_role block needs agency_name, the name of the agency to assume. Set it, or remove the block.")
			}
		}
		for _, name := range envs {
			v, ok := env(name)
			if v = strings.TrimSpace(v); !ok || v == "" {
				continue
			}
			r = resolved{attr: s.attr, value: v, source: name}
			break
		}
		out[s.attr] = r
		if !s.credential {
			checkEnvValue(s, r, diags)
		}
	}
	return out
}

// checkEnvValue reports a value from the environment that the setting's
// check refuses, against the attribute it stands for, naming the variable,
// quoting the value (unless it is a secret) and saying what is expected.
func checkEnvValue(s setting, r resolved, diags *diag.Diagnostics) {
	if s.check == nil || r.source == "attribute" || r.source == "default" {
		return
	}
	err := s.check(r.value)
	if err == nil {
		return
	}
	got := ""
	if !s.secret {
		got = fmt.Sprintf(" (got %q)", osm.Sanitize(r.value, 120))
	}
	if r.fromFile() {
		diags.AddAttributeError(attrPath(s.attr), "Invalid "+s.attr+" value",
			fmt.Sprintf("The value in %s, used for %s, %s%s. Expected %s. "+
				"Fix the profile, or set %s in the provider block or the environment.",
				r.source, s.attr, err, got, s.expect, s.attr))
		return
	}
	diags.AddAttributeError(attrPath(s.attr), "Invalid "+s.attr+" value",
		fmt.Sprintf("The %s environment variable, used for %s, %s%s. Expected %s. "+
			"Fix or unset the variable, or set %s in the provider block.",
			r.source, s.attr, err, got, s.expect, s.attr))
}

// settingOf returns the table entry of an attribute.
func settingOf(attr string) setting {
	for _, s := range providerSettings {
		if s.attr == attr {
			return s
		}
	}
	panic("no provider setting " + attr) // a programming error, caught by every test
}

// configText reads one attribute of the provider block as text.
func configText(ctx context.Context, cfg tfsdk.Config, s setting, diags *diag.Diagnostics) (text string, known, null bool) {
	p := attrPath(s.attr)
	switch s.schema.(type) {
	case schema.Int64Attribute:
		var v types.Int64
		diags.Append(cfg.GetAttribute(ctx, p, &v)...)
		return strconv.FormatInt(v.ValueInt64(), 10), !v.IsUnknown(), v.IsNull()
	case schema.Float64Attribute:
		var v types.Float64
		diags.Append(cfg.GetAttribute(ctx, p, &v)...)
		return strconv.FormatFloat(v.ValueFloat64(), 'g', -1, 64), !v.IsUnknown(), v.IsNull()
	case schema.BoolAttribute:
		var v types.Bool
		diags.Append(cfg.GetAttribute(ctx, p, &v)...)
		return strconv.FormatBool(v.ValueBool()), !v.IsUnknown(), v.IsNull()
	default:
		var v types.String
		diags.Append(cfg.GetAttribute(ctx, p, &v)...)
		return v.ValueString(), !v.IsUnknown(), v.IsNull()
	}
}

// osLookupEnv is the real environment.
var osLookupEnv LookupEnv = os.LookupEnv
