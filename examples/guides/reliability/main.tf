# A nightly pipeline that must ride out a blip of the service, behind a
# TLS-inspecting corporate proxy. The token comes from HW_AUTH_TOKEN and the
# proxy from HTTPS_PROXY / NO_PROXY.
provider "servicerequest" {
  max_retries     = 8       # or HW_MAX_RETRIES; default 4, 0 disables retries
  retry_min_delay = "500ms" # default 1s
  retry_max_delay = "1m"    # default 30s; also caps Retry-After
  request_timeout = "15s"   # per attempt; default 30s

  # Trust the proxy's private CA in addition to the system's roots:
  # ca_cert_file = "/etc/ssl/certs/corp-root-ca.pem"
}

data "servicerequest_case_status" "change" {
  case_id = "CS20261130000001"
}

output "change_ticket" {
  value = data.servicerequest_case_status.change.status_name
}
