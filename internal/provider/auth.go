package provider

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/osm-tools/terraform-provider-servicerequest/internal/osm"
)

// credentials are the resolved authentication settings of one provider.
type credentials struct {
	method                                  string // osm.SchemeToken, osm.SchemeAKSK, osm.SchemePassword; "" for none
	token                                   resolved
	accessKey, secretKey, securityToken     resolved
	domainID                                resolved
	userName, password, domainName, authURL resolved
	// assume_role: exchanged for the agency's temporary keys when
	// agencyName is set, whatever the method.
	agencyName, agencyDomainName, agencyDomainID, agencyDuration resolved
}

// agency reports whether an agency is assumed.
func (c *credentials) agency() bool { return c.agencyName.set() }

// secrets are every secret value the provider knows, for the log masks.
func (c *credentials) secrets() []string {
	return []string{c.token.value, c.secretKey.value, c.securityToken.value, c.password.value}
}

// resolveCredentials picks the authentication method (token, then AK/SK,
// then password), reports incomplete settings against the attribute that
// is missing, and validates the values the chosen method will use. It adds
// errors to diags and returns nil when there is none to use.
func resolveCredentials(ctx context.Context, s settings, diags *diag.Diagnostics) *credentials {
	c := &credentials{
		token:         s["token"],
		accessKey:     s["access_key"],
		secretKey:     s["secret_key"],
		securityToken: s["security_token"],
		domainID:      s["domain_id"],
		userName:      s["user_name"],
		password:      s["password"],
		domainName:    s["domain_name"],
		authURL:       s["auth_url"],

		agencyName:       s["assume_role.agency_name"],
		agencyDomainName: s["assume_role.domain_name"],
		agencyDomainID:   s["assume_role.domain_id"],
		agencyDuration:   s["assume_role.duration"],
	}
	akskComplete := c.accessKey.set() && c.secretKey.set()
	passwordComplete := c.userName.set() && c.password.set() && c.domainName.set()
	switch {
	case c.token.set():
		c.method = osm.SchemeToken
	case akskComplete:
		c.method = osm.SchemeAKSK
	case passwordComplete:
		c.method = osm.SchemePassword
	}

	// Incomplete settings of a method. They are attribute errors when one of
	// them is in the provider block, or when a method of higher precedence
	// is not configured anyway; settings left over in the environment next
	// to a working method of higher precedence only earn a warning.
	incomplete := func(higher bool, given []resolved, missing resolved, why string) {
		explicit := false
		var found []string
		for _, g := range given {
			explicit = explicit || g.source == "attribute"
			found = append(found, fmt.Sprintf("%s is set %s", g.attr, g.where()))
		}
		env := map[string]string{"access_key": EnvAccessKey, "secret_key": EnvSecretKey, "user_name": EnvUserName,
			"password": EnvPassword, "domain_name": EnvDomainName}[missing.attr]
		detail := fmt.Sprintf("%s, but %s is not: %s. Set %s in the provider block or the %s environment variable, "+
			"or unset %s to use another authentication method.",
			strings.Join(found, " and "), missing.attr, why, missing.attr, env, names(given))
		if explicit || !higher {
			diags.AddAttributeError(path.Root(missing.attr), "Missing "+missing.attr, detail)
			return
		}
		diags.AddAttributeWarning(path.Root(missing.attr), "Incomplete "+missing.attr+" settings ignored",
			detail+" They are ignored because the "+c.method+" method is used.")
	}
	tokenUsed := c.method == osm.SchemeToken
	switch {
	case c.accessKey.set() && !c.secretKey.set():
		incomplete(tokenUsed, given(c.accessKey, c.securityToken), c.secretKey, "requests are signed with the secret key of the access key")
	case c.secretKey.set() && !c.accessKey.set():
		incomplete(tokenUsed, given(c.secretKey, c.securityToken), c.accessKey, "a signature names the access key it was made with")
	case c.securityToken.set() && !c.accessKey.set():
		incomplete(tokenUsed, given(c.securityToken), c.accessKey,
			"a security token only accompanies the temporary access key and secret key it was issued with (set secret_key too)")
	}
	higherThanPassword := tokenUsed || c.method == osm.SchemeAKSK
	if c.userName.set() || c.password.set() {
		for _, missing := range []resolved{c.userName, c.password, c.domainName} {
			if !missing.set() {
				incomplete(higherThanPassword, given(c.userName, c.password, c.domainName), missing,
					"a password login needs the user name, its password and the account (domain) name")
			}
		}
	}
	if c.agency() && !c.agencyDomainName.set() && !c.agencyDomainID.set() {
		diags.AddAttributeError(attrPath("assume_role.domain_name"), "Missing assume_role domain",
			fmt.Sprintf("assume_role.agency_name is set %s, but neither assume_role.domain_name nor assume_role.domain_id is: "+
				"the exchange names the account that owns the agency. Set domain_name (IAM's call) or domain_id (STS's call) in the "+
				"assume_role block, or %s or %s without a block.", c.agencyName.where(), EnvAgencyDomainName, EnvAgencyDomainID))
	}
	if diags.HasError() {
		return nil
	}
	if c.method == "" {
		diags.AddError("Missing Service Ticket API credentials",
			"The provider needs credentials to call the Service Ticket API, and none are configured. Use one of:\n"+
				"- a token: set the token attribute or the "+EnvAuthToken+" environment variable ("+EnvOSAuthToken+" is read too); IAM tokens expire after 24 hours;\n"+
				"- an access key: set access_key and secret_key, or "+EnvAccessKey+" and "+EnvSecretKey+
				" (plus security_token or "+EnvSecurityToken+" for temporary keys);\n"+
				"- a password login: set user_name, password and domain_name, or "+EnvUserName+", "+EnvPassword+" and "+EnvDomainName+";\n"+
				"- a shared config file: set profile or shared_config_file, or "+EnvProfile+" or "+EnvSharedConfigFile+".\n"+
				"An assume_role agency needs one of them to exchange for its temporary keys.")
		return nil
	}

	for _, r := range c.used() {
		checkEnvValue(settingOf(r.attr), r, diags)
	}
	if diags.HasError() {
		return nil
	}
	c.precedenceWarning(diags)
	tflog.Debug(ctx, "Service Ticket API authentication method chosen", map[string]any{"method": c.method, "assume_role": c.agency()})
	return c
}

// source says where the credentials of the chosen method came from.
func (c *credentials) source() string {
	var where []string
	for _, r := range c.used() {
		if r.source != "default" {
			where = append(where, r.attr+" "+r.where())
		}
	}
	return strings.Join(where, ", ")
}

// used are the settings of the chosen method.
func (c *credentials) used() []resolved {
	var out []resolved
	switch c.method {
	case osm.SchemeToken:
		out = []resolved{c.token}
	case osm.SchemeAKSK:
		out = given(c.accessKey, c.secretKey, c.securityToken, c.domainID)
	case osm.SchemePassword:
		out = []resolved{c.userName, c.password, c.domainName, c.authURL}
	default:
		return nil
	}
	if c.agency() {
		out = append(out, given(c.agencyName, c.agencyDomainName, c.agencyDomainID, c.agencyDuration)...)
		if c.method != osm.SchemePassword {
			out = append(out, c.authURL)
		}
	}
	return out
}

// precedenceWarning warns when the method used came from the environment
// while a method of lower precedence is fully configured in the provider
// block: a stale HW_AUTH_TOKEN in a shell would otherwise silently override
// the access key written in the configuration.
func (c *credentials) precedenceWarning(diags *diag.Diagnostics) {
	winner := c.used()[0]
	if winner.source == "attribute" {
		return
	}
	var shadowed string
	switch {
	case c.method == osm.SchemeToken && c.accessKey.source == "attribute" && c.secretKey.source == "attribute":
		shadowed = "access_key and secret_key"
	case c.method != osm.SchemePassword && c.userName.source == "attribute" && c.password.source == "attribute" &&
		c.domainName.source == "attribute":
		shadowed = "user_name, password and domain_name"
	}
	if shadowed == "" {
		return
	}
	diags.AddWarning("Credentials from the environment override the provider block",
		fmt.Sprintf("The provider block sets %s, but the %s environment variable is set too, and the %s method it configures "+
			"takes precedence (token, then access key, then password login). The provider authenticates with %s from %s. "+
			"Unset %s to use the credentials of the provider block.", shadowed, winner.source, c.method, winner.attr,
			winner.source, winner.source))
}

func given(rs ...resolved) []resolved {
	var out []resolved
	for _, r := range rs {
		if r.set() {
			out = append(out, r)
		}
	}
	return out
}

func names(rs []resolved) string {
	var out []string
	for _, r := range rs {
		out = append(out, r.attr)
	}
	return strings.Join(out, " and ")
}

// authenticator builds the osm.Authenticator of the chosen method. For a
// password login it logs in now, so that a refused login is one provider
// error rather than one per data source, and the token is shared by every
// data source of this provider.
func (c *credentials) authenticator(ctx context.Context, httpClient *http.Client, userAgent string, logger osm.Logger, retry retrySettings, diags *diag.Diagnostics) osm.Authenticator {
	base := c.baseAuthenticator(ctx, httpClient, userAgent, logger, retry, diags)
	if base == nil || !c.agency() {
		return base
	}
	duration := time.Duration(0)
	if c.agencyDuration.set() {
		n, _ := strconv.Atoi(c.agencyDuration.value) // checked while resolving
		duration = time.Duration(n) * time.Second
	}
	auth, err := osm.NewAgencyAuth(osm.AgencyConfig{
		Base: base, IAMURL: c.authURL.value, STSURL: stsURL(c.authURL.value),
		AgencyName: c.agencyName.value, DomainName: c.agencyDomainName.value, DomainID: c.agencyDomainID.value, Duration: duration,
		UserAgent: userAgent, HTTPClient: httpClient, Logger: logger,
		MaxRetries: retry.maxRetries, RetryMinDelay: retry.minDelay, RetryMaxDelay: retry.maxDelay, RequestTimeout: retry.timeout,
		Secrets: secretsOf(logger), // every temporary secret joins the provider's redacted secrets
	})
	if err != nil {
		diags.AddAttributeError(path.Root(assumeRoleBlock), "Invalid assume_role settings", err.Error()+".")
		return nil
	}
	// Exchange now, bounded like the login, so that a refused agency is
	// one provider error rather than one per data source.
	lctx, cancel := context.WithTimeout(ctx, retry.loginCeiling())
	defer cancel()
	if _, err := auth.Credentials(lctx); err != nil {
		summary, detail := describeAgencyError(err, c)
		diags.AddError(summary, detail)
		return nil
	}
	return auth
}

// describeAgencyError explains a failed exchange for an agency's keys.
func describeAgencyError(err error, c *credentials) (summary, detail string) {
	var le *osm.LoginError
	if errors.As(err, &le) {
		return describeLoginError(err) // the password login of the base credentials failed
	}
	var ae *osm.AgencyError
	what := "Exchanging the credentials for the temporary access keys of agency " + fmt.Sprintf("%q", c.agencyName.value) +
		" failed: " + err.Error() + "."
	call := "IAM (POST /v3.0/OS-CREDENTIAL/securitytokens on the auth_url host)"
	if c.agencyDomainID.set() {
		call = "STS (POST /v5/agencies/assume on the auth_url host, iam. replaced by sts.)"
	}
	if !errors.As(err, &ae) {
		return "Cannot assume the agency", what
	}
	switch {
	case ae.HTTPStatus == 0:
		return "Cannot reach IAM to assume the agency", what + "\n\nThe exchange goes to " + call + ". Check auth_url (or " +
			EnvAuthURL + "), region and cloud, DNS, proxy settings and network access."
	case ae.HTTPStatus >= 400 && ae.HTTPStatus < 500 && ae.HTTPStatus != 429:
		return "IAM refused to assume the agency", what + "\n\nThe exchange goes to " + call + ", authenticated with the " +
			c.method + " credentials (" + c.source() + "). Check assume_role.agency_name and the account that owns it " +
			"(assume_role.domain_name or domain_id), and that the agency trusts this account and the credentials may assume it. " +
			"The provider does not ask again during this run."
	default:
		return "Cannot assume the agency", what + "\n\nThe exchange goes to " + call + "; run Terraform again later if IAM is unavailable."
	}
}

// baseAuthenticator builds the osm.Authenticator of the chosen method,
// before any agency.
func (c *credentials) baseAuthenticator(ctx context.Context, httpClient *http.Client, userAgent string, logger osm.Logger, retry retrySettings, diags *diag.Diagnostics) osm.Authenticator {
	switch c.method {
	case osm.SchemeToken:
		auth, err := osm.NewTokenAuth(c.token.value)
		if err != nil {
			diags.AddAttributeError(path.Root("token"), "Invalid token", err.Error())
			return nil
		}
		return auth
	case osm.SchemeAKSK:
		auth, err := osm.NewAKSKAuth(osm.AKSKConfig{
			AccessKey: c.accessKey.value, SecretKey: c.secretKey.value,
			SecurityToken: c.securityToken.value, DomainID: c.domainID.value,
		})
		if err != nil {
			diags.AddError("Invalid access key settings", err.Error())
			return nil
		}
		return auth
	case osm.SchemePassword:
		auth, err := osm.NewPasswordAuth(osm.PasswordConfig{
			AuthURL: c.authURL.value, UserName: c.userName.value, Password: c.password.value, DomainName: c.domainName.value,
			UserAgent: userAgent, HTTPClient: httpClient, Logger: logger,
			MaxRetries: retry.maxRetries, RetryMinDelay: retry.minDelay, RetryMaxDelay: retry.maxDelay, RequestTimeout: retry.timeout,
			Secrets: secretsOf(logger), // every minted token joins the provider's redacted secrets
		})
		if err != nil {
			diags.AddError("Invalid password login settings", err.Error())
			return nil
		}
		// Each attempt is bounded by request_timeout; the whole login,
		// retries included, by a ceiling, so that a silent IAM host cannot
		// hang the plan.
		lctx, cancel := context.WithTimeout(ctx, retry.loginCeiling())
		defer cancel()
		if _, err := auth.Token(lctx); err != nil {
			summary, detail := describeLoginError(err)
			if lctx.Err() != nil && ctx.Err() == nil {
				detail += fmt.Sprintf("\n\nThe login, retries included, did not finish within %s (max_retries + 1 attempts of request_timeout, "+
					"plus the waits between them, at most %s).", osm.FormatDuration(retry.loginCeiling()), osm.FormatDuration(maxLoginTime))
			}
			diags.AddError(summary, detail)
			return nil
		}
		return auth
	}
	return nil
}

// retrySettings are the resolved retry and timeout settings, shared by the
// reads and the IAM login.
type retrySettings struct {
	maxRetries                  int
	minDelay, maxDelay, timeout time.Duration
}

// maxLoginTime bounds the login made while the provider is configured.
const maxLoginTime = 5 * time.Minute

// loginCeiling is how long the login at configuration may take in all:
// every attempt's request_timeout and the longest wait before each retry,
// at most maxLoginTime.
func (r retrySettings) loginCeiling() time.Duration {
	return min(maxLoginTime, time.Duration(r.maxRetries+1)*(r.timeout+r.maxDelay))
}

// describeLoginError explains a failed IAM password login.
func describeLoginError(err error) (summary, detail string) {
	var le *osm.LoginError
	if !errors.As(err, &le) {
		return "IAM password login failed", err.Error() + "."
	}
	what := "Getting a token from IAM failed: " + le.Error() + "."
	switch {
	case le.HTTPStatus == 0:
		return "Cannot reach IAM for the password login", what + "\n\n" +
			"Check auth_url (or " + EnvAuthURL + "; default " + osm.DefaultAuthURL + "), DNS, proxy settings " +
			"(HTTPS_PROXY, NO_PROXY) and network access to the IAM host."
	case le.HTTPStatus >= 400 && le.HTTPStatus < 500 && le.HTTPStatus != 429:
		return "IAM refused the password login", what + "\n\n" +
			"Check user_name, password and domain_name (or " + EnvUserName + ", " + EnvPassword + " and " + EnvDomainName + "): " +
			"domain_name is the name of the account the IAM user belongs to, and the user needs programmatic access. " +
			"IAM locks a user after repeated wrong passwords, so the provider does not try again during this run."
	default:
		return "IAM password login failed", what + "\n\n" +
			"IAM did not issue a token. Check that auth_url (or " + EnvAuthURL + ") is IAM's v3 endpoint, such as " +
			osm.DefaultAuthURL + ", and run Terraform again later if IAM is unavailable."
	}
}

// describeAuthError explains the authentication failures whose cause
// depends on the method; ok is false for the others, which describeError
// handles.
func describeAuthError(err error, caseID string) (summary, detail string, ok bool) {
	var le *osm.LoginError
	if errors.As(err, &le) {
		summary, detail = describeLoginError(err)
		return summary, fmt.Sprintf("Reading the status of case %q needed a new token. ", caseID) + detail, true
	}
	var e *osm.Error
	if !errors.As(err, &e) || e.Kind != osm.KindAuth {
		return "", "", false
	}
	what := fmt.Sprintf("Reading the status of case %q failed: %s.", caseID, e) + authSourceNote(e)
	switch e.AuthScheme {
	case osm.SchemeAKSK:
		return "Service Ticket API rejected the credentials", what + "\n\n" +
			"The API gateway refused the AK/SK signature. Check that access_key and secret_key (or " + EnvAccessKey + " and " +
			EnvSecretKey + ") are a pair and enabled in IAM; that temporary keys come with their security_token (" + EnvSecurityToken +
			") and have not expired; that domain_id (" + EnvDomainID + "), when set, is the ID of the account that owns the key; " +
			"and that this machine's clock is within 15 minutes of UTC (the X-Sdk-Date header). " +
			"The request is not re-sent: five wrong signatures in a row lock the access key for five minutes.", true
	case osm.SchemePassword:
		return "Service Ticket API rejected the credentials", what + "\n\n" +
			"The token from the IAM password login was refused, and so was a freshly fetched one. Check that auth_url (" + EnvAuthURL +
			") is the IAM of the same site as the endpoint, and that the IAM user of user_name and domain_name belongs to the account " +
			"that owns the ticket.", true
	case osm.SchemeAgency:
		return "Service Ticket API rejected the credentials", what + "\n\n" +
			"The API gateway refused the signature made with the agency's temporary access keys. Check that the agency " +
			"(assume_role) belongs to the account that owns the ticket and grants access to the Service Ticket API, that " +
			"x_site (the X-Site header) matches the account's site, and that this machine's clock is within 15 minutes of UTC.", true
	}
	return "", "", false
}
