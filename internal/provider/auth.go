package provider

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/provider/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/osm-tools/terraform-provider-servicerequest/internal/osm"
)

// Environment variables of the AK/SK and password methods, named as the
// Huawei Cloud provider names them.
const (
	EnvAccessKey     = "HW_ACCESS_KEY"
	EnvSecretKey     = "HW_SECRET_KEY"
	EnvSecurityToken = "HW_SECURITY_TOKEN"
	EnvDomainID      = "HW_DOMAIN_ID"
	EnvUserName      = "HW_USER_NAME"
	EnvPassword      = "HW_USER_PASSWORD"
	EnvDomainName    = "HW_DOMAIN_NAME"
	EnvAuthURL       = "HW_AUTH_URL"
)

// authModel holds the provider attributes of the AK/SK and password
// methods; it is embedded in providerModel.
type authModel struct {
	AccessKey     types.String `tfsdk:"access_key"`
	SecretKey     types.String `tfsdk:"secret_key"`
	SecurityToken types.String `tfsdk:"security_token"`
	DomainID      types.String `tfsdk:"domain_id"`
	UserName      types.String `tfsdk:"user_name"`
	Password      types.String `tfsdk:"password"`
	DomainName    types.String `tfsdk:"domain_name"`
	AuthURL       types.String `tfsdk:"auth_url"`
}

const precedence = "When several methods are configured, `token` wins, then `access_key`/`secret_key`, then the password login."

// authAttributes are the schema of authModel.
func authAttributes() map[string]schema.Attribute {
	return map[string]schema.Attribute{
		"access_key": schema.StringAttribute{
			MarkdownDescription: "Access key (AK) of an access key pair: every request is then signed with `SDK-HMAC-SHA256` " +
				"and nothing expires. Requires `secret_key`. Falls back to the `" + EnvAccessKey + "` environment variable. " +
				fmt.Sprintf("1 to %d characters, no spaces, `,` or `=`. ", osm.AccessKeyMaxLength) + precedence,
			Optional:   true,
			Validators: []validator.String{checkValidator{check: osm.ValidateAccessKey, desc: fmt.Sprintf(`1 to %d characters with no spaces, "," or "="`, osm.AccessKeyMaxLength)}},
		},
		"secret_key": schema.StringAttribute{
			MarkdownDescription: "Secret key (SK) of the access key pair; it signs requests and is never sent. Requires `access_key`. " +
				"Falls back to the `" + EnvSecretKey + "` environment variable; prefer the variable to the configuration. " +
				fmt.Sprintf("1 to %d characters.", osm.SecretKeyMaxLength),
			Optional:   true,
			Sensitive:  true,
			Validators: []validator.String{headerValue(osm.SecretKeyMaxLength)},
		},
		"security_token": schema.StringAttribute{
			MarkdownDescription: "Security token of temporary access keys (from IAM's temporary credentials or an agency), sent signed as the " +
				"`X-Security-Token` header. Only with `access_key`/`secret_key`. Falls back to the `" + EnvSecurityToken + "` environment variable. " +
				fmt.Sprintf("1 to %d characters.", osm.SecurityTokenMaxLength),
			Optional:   true,
			Sensitive:  true,
			Validators: []validator.String{headerValue(osm.SecurityTokenMaxLength)},
		},
		"domain_id": schema.StringAttribute{
			MarkdownDescription: "Account (domain) ID, sent signed as the `X-Domain-Id` header with AK/SK-signed requests, " +
				"as the gateway of global services expects. Used only with `access_key`/`secret_key`. Falls back to the `" + EnvDomainID +
				"` environment variable; not sent when unset. " + fmt.Sprintf("1 to %d characters.", osm.DomainIDMaxLength),
			Optional:   true,
			Validators: []validator.String{headerValue(osm.DomainIDMaxLength)},
		},
		"user_name": schema.StringAttribute{
			MarkdownDescription: "IAM user name for a password login: the provider asks IAM for a token once per run " +
				"(`POST {auth_url}/auth/tokens`, scoped to the account) and fetches it again once if the service rejects it. " +
				"Requires `password` and `domain_name`. Falls back to the `" + EnvUserName + "` environment variable. " +
				fmt.Sprintf("1 to %d characters. ", osm.UserNameMaxLength) + precedence,
			Optional:   true,
			Validators: []validator.String{headerValue(osm.UserNameMaxLength)},
		},
		"password": schema.StringAttribute{
			MarkdownDescription: "Password of the IAM user; it is sent only to IAM, in the body of the login request. " +
				"Falls back to the `" + EnvPassword + "` environment variable; prefer the variable to the configuration. " +
				fmt.Sprintf("1 to %d characters.", osm.PasswordMaxLength),
			Optional:  true,
			Sensitive: true,
			Validators: []validator.String{checkValidator{check: osm.ValidatePassword,
				desc: fmt.Sprintf("1 to %d characters with no control characters", osm.PasswordMaxLength)}},
		},
		"domain_name": schema.StringAttribute{
			MarkdownDescription: "Account (domain) name the IAM user belongs to; the token is scoped to it. Used only for the password login. " +
				"Falls back to the `" + EnvDomainName + "` environment variable. " + fmt.Sprintf("1 to %d characters.", osm.DomainNameMaxLength),
			Optional:   true,
			Validators: []validator.String{headerValue(osm.DomainNameMaxLength)},
		},
		"auth_url": schema.StringAttribute{
			MarkdownDescription: "IAM base URL for the password login, for example `https://iam.ap-southeast-3.myhuaweicloud.com/v3`. " +
				"An absolute `https://` URL (`http://` only for a loopback address); a path prefix and a trailing slash are allowed. " +
				"Falls back to the `" + EnvAuthURL + "` environment variable, then `" + osm.DefaultAuthURL + "`.",
			Optional: true,
			Validators: []validator.String{checkValidator{
				check: func(s string) error { _, err := osm.ParseAuthURL(s); return err },
				desc:  `an absolute https URL such as "` + osm.DefaultAuthURL + `"`,
			}},
		},
	}
}

// resolved is one setting with the place it came from ("attribute", an
// environment variable's name, or "default").
type resolved struct {
	attr, value, source string
}

func (r resolved) set() bool { return r.value != "" }

// where says where a setting was found, for diagnostics.
func (r resolved) where() string {
	if r.source == "attribute" {
		return "in the provider block"
	}
	return "by the " + r.source + " environment variable"
}

// credentials are the resolved authentication settings of one provider.
type credentials struct {
	method                                  string // osm.SchemeToken, osm.SchemeAKSK, osm.SchemePassword; "" for none
	token                                   resolved
	accessKey, secretKey, securityToken     resolved
	domainID                                resolved
	userName, password, domainName, authURL resolved
}

// secrets are every secret value the provider knows, for the log masks.
func (c *credentials) secrets() []string {
	return []string{c.token.value, c.secretKey.value, c.securityToken.value, c.password.value}
}

// resolveCredentials picks the authentication method (token, then AK/SK,
// then password), reports incomplete settings against the attribute that
// is missing, and validates the values the chosen method will use. It adds
// errors to diags and returns nil when there is none to use.
func resolveCredentials(ctx context.Context, token types.String, m authModel, diags *diag.Diagnostics) *credentials {
	for name, v := range map[string]types.String{
		"access_key": m.AccessKey, "secret_key": m.SecretKey, "security_token": m.SecurityToken, "domain_id": m.DomainID,
		"user_name": m.UserName, "password": m.Password, "domain_name": m.DomainName, "auth_url": m.AuthURL,
	} {
		if v.IsUnknown() {
			diags.AddAttributeError(path.Root(name), "Unknown "+name+" value",
				"The provider cannot be configured with a "+name+" that is only known after apply. "+
					"Use a value known at plan time, or leave it unset to use the environment variable or the default.")
		}
	}
	if diags.HasError() {
		return nil
	}
	get := func(attr string, v types.String, def string, envs ...string) resolved {
		value, source := setting(v, def, envs...)
		return resolved{attr: attr, value: value, source: source}
	}
	c := &credentials{
		token:         get("token", token, "", EnvAuthToken, EnvOSAuthToken),
		accessKey:     get("access_key", m.AccessKey, "", EnvAccessKey),
		secretKey:     get("secret_key", m.SecretKey, "", EnvSecretKey),
		securityToken: get("security_token", m.SecurityToken, "", EnvSecurityToken),
		domainID:      get("domain_id", m.DomainID, "", EnvDomainID),
		userName:      get("user_name", m.UserName, "", EnvUserName),
		password:      get("password", m.Password, "", EnvPassword),
		domainName:    get("domain_name", m.DomainName, "", EnvDomainName),
		authURL:       get("auth_url", m.AuthURL, osm.DefaultAuthURL, EnvAuthURL),
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
	if diags.HasError() {
		return nil
	}
	if c.method == "" {
		diags.AddError("Missing Service Ticket API credentials",
			"The provider needs credentials to call the Service Ticket API, and none are configured. Use one of:\n"+
				"- a token: set the token attribute or the "+EnvAuthToken+" environment variable ("+EnvOSAuthToken+" is read too); IAM tokens expire after 24 hours;\n"+
				"- an access key: set access_key and secret_key, or "+EnvAccessKey+" and "+EnvSecretKey+
				" (plus security_token or "+EnvSecurityToken+" for temporary keys);\n"+
				"- a password login: set user_name, password and domain_name, or "+EnvUserName+", "+EnvPassword+" and "+EnvDomainName+".")
		return nil
	}

	check := func(r resolved, f func(string) error) {
		if r.set() {
			checkSetting(diags, r.attr, r.source, func() error { return f(r.value) })
		}
	}
	header := func(maxLen int) func(string) error {
		return func(s string) error { return osm.ValidateHeaderValue(s, maxLen) }
	}
	switch c.method {
	case osm.SchemeToken:
		check(c.token, header(osm.TokenMaxLength))
	case osm.SchemeAKSK:
		check(c.accessKey, osm.ValidateAccessKey)
		check(c.secretKey, header(osm.SecretKeyMaxLength))
		check(c.securityToken, header(osm.SecurityTokenMaxLength))
		check(c.domainID, header(osm.DomainIDMaxLength))
	case osm.SchemePassword:
		check(c.userName, header(osm.UserNameMaxLength))
		check(c.password, osm.ValidatePassword)
		check(c.domainName, header(osm.DomainNameMaxLength))
		check(c.authURL, func(s string) error { _, err := osm.ParseAuthURL(s); return err })
	}
	if diags.HasError() {
		return nil
	}
	tflog.Debug(ctx, "Service Ticket API authentication method chosen", map[string]any{"method": c.method})
	return c
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
func (c *credentials) authenticator(ctx context.Context, httpClient *http.Client, userAgent string, logger osm.Logger, diags *diag.Diagnostics) osm.Authenticator {
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
			Secrets: secretsOf(logger), // every minted token joins the provider's redacted secrets
		})
		if err != nil {
			diags.AddError("Invalid password login settings", err.Error())
			return nil
		}
		if _, err := auth.Token(ctx); err != nil {
			summary, detail := describeLoginError(err)
			diags.AddError(summary, detail)
			return nil
		}
		return auth
	}
	return nil
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
	what := fmt.Sprintf("Reading the status of case %q failed: %s.", caseID, e)
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
	}
	return "", "", false
}
