# Assume an agency: the provider exchanges its own credentials (here the
# access keys in HW_ACCESS_KEY and HW_SECRET_KEY) for the agency's
# temporary access keys, renews them before they expire, and signs every
# request with them. Without this block, HW_ASSUME_ROLE_AGENCY_NAME and
# HW_ASSUME_ROLE_DOMAIN_NAME (or HW_ASSUME_ROLE_DOMAIN_ID) do the same.
provider "servicerequest" {
  # The region chooses the IAM that performs the exchange:
  # https://iam.ap-southeast-1.myhuaweicloud.com/v3 (set auth_url to override).
  # It never chooses the Service Ticket API host.
  region = "ap-southeast-1"

  assume_role {
    agency_name = "ticket-reader-agency"
    domain_name = "example-ops-account" # the account that owns the agency
    duration    = 3600                  # seconds; renewed 10 minutes before expiry
  }
}
