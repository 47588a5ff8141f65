# Token: an IAM user token, sent as X-Auth-Token. IAM tokens expire after
# 24 hours, so this suits a person at a terminal better than a scheduled
# pipeline. Leave `token` out to read HW_AUTH_TOKEN instead.
variable "iam_token" {
  type      = string
  sensitive = true
}

provider "servicerequest" {
  token = var.iam_token
}
