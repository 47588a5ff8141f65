# A check block reports a warning and lets the plan and apply go on. The
# data source inside it is read at every plan, and a failed read is a
# warning too.
check "vendor_follow_up" {
  data "servicerequest_case_status" "vendor" {
    case_id = "CS20261130000012"
  }

  assert {
    condition     = data.servicerequest_case_status.vendor.closed
    error_message = "Vendor ticket ${data.servicerequest_case_status.vendor.case_id} is still ${data.servicerequest_case_status.vendor.status_name}."
  }
}
