# Tickets that do not exist (deleted, or from another account) are listed
# in `missing` instead of failing the read.
data "servicerequest_case_statuses" "audit" {
  case_ids       = ["CS20261130000001", "CS20261130000099"]
  ignore_missing = true
}

check "audit_tickets_exist" {
  assert {
    condition     = length(data.servicerequest_case_statuses.audit.missing) == 0
    error_message = "Tickets not found: ${join(", ", data.servicerequest_case_statuses.audit.missing)}."
  }
}
