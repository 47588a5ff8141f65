package provider

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"

	"github.com/osm-tools/terraform-provider-servicerequest/internal/osm"
)

// authSourceNote names the authentication method used and where its
// credentials came from.
func authSourceNote(e *osm.Error) string {
	if e.AuthSource == "" {
		return ""
	}
	method := e.AuthScheme
	if method == "" {
		method = osm.SchemeToken
	}
	return fmt.Sprintf(" The provider authenticated with the %s method: %s.", method, e.AuthSource)
}

// describeError turns an error from the osm client into a diagnostic
// summary and detail a person can act on. The client's error text quotes
// the HTTP status, the service's error_code and error_msg and the request
// id, and never a header value.
func describeError(err error, caseID string) (summary, detail string) {
	if summary, detail, ok := describeAuthError(err, caseID); ok {
		return summary, detail
	}
	var e *osm.Error
	if !errors.As(err, &e) {
		return "Cannot read service ticket status",
			fmt.Sprintf("Reading the status of case %q failed: %s.", caseID, err)
	}
	what := fmt.Sprintf("Reading the status of case %q failed: %s.", caseID, e) + describeAttempts(e)
	switch e.Kind {
	case osm.KindAuth:
		return "Service Ticket API rejected the credentials", what + authSourceNote(e) + "\n\n" +
			"The token is missing, expired or invalid (IAM tokens expire after 24 hours). " +
			"Get a new one from IAM (the \"Obtaining a User Token\" call, POST https://iam.myhuaweicloud.com/v3/auth/tokens; " +
			"the token is the X-Subject-Token header of its answer) " +
			"and set it in the provider's token attribute or the HW_AUTH_TOKEN environment variable."
	case osm.KindForbidden:
		return "Access to the service ticket is forbidden", what + "\n\n" +
			"The credentials were accepted, but this account may not read the ticket. " +
			"Check that the IAM user has permission to use the Service Ticket service " +
			"and that the ticket belongs to the account the token was issued for."
	case osm.KindNotFound:
		return "Service Ticket API not found at the endpoint", what + "\n\n" +
			"The endpoint answered that this API does not exist. Check the provider's endpoint " +
			"(or HW_OSM_ENDPOINT) or use site = \"china\", \"international\" or \"europe\"."
	case osm.KindCaseNotFound:
		return "Service ticket not found", what + "\n\n" +
			"Check case_id, and that the ticket belongs to the account whose credentials the provider uses."
	case osm.KindThrottled:
		return "Service Ticket API throttled the request", what + "\n\n" +
			"Too many requests reached the API gateway. Wait a few seconds and run Terraform again, " +
			"or read fewer tickets at once."
	case osm.KindServer:
		return "Service Ticket API server error", what + "\n\n" +
			"The service failed to answer. This is usually temporary: run Terraform again later. " +
			"If it persists, quote the request id to Huawei Cloud support."
	case osm.KindBadRequest:
		return "Service Ticket API rejected the request", what + "\n\n" +
			"Check case_id, language and time_zone. If they look right, please report this issue to the provider developers."
	case osm.KindService:
		return "Service Ticket API returned an error", what + "\n\n" +
			"The service answered with an error code instead of a status. Check case_id and the account's permissions; " +
			"quote the error code and request id to Huawei Cloud support if it persists."
	case osm.KindTransport:
		return "Cannot reach the Service Ticket API", what + "\n\n" +
			"Check the endpoint, DNS, proxy settings (HTTPS_PROXY, NO_PROXY) and network access to the host." + transportHint(e)
	case osm.KindCanceled:
		return "Reading the service ticket status was canceled", what
	default:
		return "Unexpected response from the Service Ticket API", what + "\n\n" +
			"The answer was neither a status nor a documented error. If the endpoint is right, " +
			"please report this issue to the provider developers with the request id."
	}
}

// describeAttempts adds to an error's text how often the request was
// tried, so that an exhausted retry reads as such.
func describeAttempts(e *osm.Error) string {
	if e.Attempts <= 1 || e.Kind == osm.KindCanceled {
		return ""
	}
	return fmt.Sprintf(" All %d attempts failed and the error above is the last answer; "+
		"max_retries, retry_min_delay and retry_max_delay set how long the provider keeps trying.", e.Attempts)
}

// transportHint says what to change for a connection failure that the
// settings can fix.
func transportHint(e *osm.Error) string {
	var (
		hostErr    x509.HostnameError
		certErr    *tls.CertificateVerificationError
		timeoutErr interface{ Timeout() bool }
	)
	switch {
	case errors.As(e.Err, &hostErr):
		return " The endpoint's TLS certificate is not valid for its host name: check the endpoint."
	case errors.As(e.Err, &certErr):
		return " The endpoint's TLS certificate could not be verified. If a private CA (or a TLS-inspecting proxy) " +
			"issued it, set ca_cert_file or ca_cert_pem in the provider block."
	case errors.As(e.Err, &timeoutErr) && timeoutErr.Timeout():
		return " The service did not answer in time; raise request_timeout (and max_retries) if it is slow."
	}
	return ""
}
