# Warn, without failing the plan, while a ticket is still open.
check "vendor_ticket_closed" {
  data "servicerequest_case_status" "vendor" {
    case_id = "CS20261130000003"
  }

  assert {
    condition     = data.servicerequest_case_status.vendor.closed
    error_message = "Vendor ticket ${data.servicerequest_case_status.vendor.case_id} is still ${data.servicerequest_case_status.vendor.status_name}."
  }
}
