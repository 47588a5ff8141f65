# Access key (AK/SK): every request is signed with SDK-HMAC-SHA256 and
# nothing expires. The keys are read from HW_ACCESS_KEY and HW_SECRET_KEY
# (and HW_SECURITY_TOKEN for temporary keys), as the Huawei Cloud provider
# reads them: keep them out of the configuration.
provider "servicerequest" {
  # Optional: the account (domain) ID, sent signed as X-Domain-Id.
  # Falls back to HW_DOMAIN_ID.
  domain_id = "0970dd7a1300f5672ff2c003c60ae115"
}
