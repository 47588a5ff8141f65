# Wait, at apply time, for the provider's engineers to answer: poll every
# minute for up to two hours until the ticket is To be confirmed (2) or
# Completed (3). A Canceled or Invalid ticket fails the action at once.
# Run it on its own with
#   terraform apply -invoke=action.servicerequest_wait_for_case_status.quota_granted
action "servicerequest_wait_for_case_status" "quota_granted" {
  config {
    case_id       = "CS20261130000013"
    statuses      = [2, 3]
    timeout       = "2h"
    poll_interval = "1m"
  }
}
