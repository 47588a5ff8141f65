# Hold the plan until the provider's engineers have answered the ticket:
# poll every minute for up to two hours until it is To be confirmed (2) or
# Completed (3). If the ticket is Canceled or Invalid instead, the wait
# stops at once with an error rather than running out the two hours.
data "servicerequest_case_status" "quota_increase" {
  case_id           = "CS20261130000013"
  wait_for_statuses = [2, 3]
  poll_interval     = "1m"

  timeouts {
    read = "2h"
  }
}

output "quota_increase" {
  value = "${data.servicerequest_case_status.quota_increase.case_id} is ${data.servicerequest_case_status.quota_increase.status_name}"
}
