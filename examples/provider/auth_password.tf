# IAM password login: the provider asks IAM for a token once per run
# (POST {auth_url}/auth/tokens) and fetches a new one once if the service
# rejects it. The password is sent to IAM only. Leave an attribute out to
# read HW_USER_NAME, HW_USER_PASSWORD or HW_DOMAIN_NAME instead; auth_url
# (HW_AUTH_URL) defaults to https://iam.myhuaweicloud.com/v3.
variable "iam_password" {
  type      = string
  sensitive = true
}

provider "servicerequest" {
  user_name   = "ticket-reader"
  password    = var.iam_password
  domain_name = "example-account"
}
