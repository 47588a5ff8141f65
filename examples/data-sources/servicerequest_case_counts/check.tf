# Warn while any ticket of the account waits for our feedback.
check "feedback_owed" {
  data "servicerequest_case_counts" "now" {}

  assert {
    condition     = data.servicerequest_case_counts.now.counts["Pending feedback"] == 0
    error_message = "${data.servicerequest_case_counts.now.counts["Pending feedback"]} ticket(s) are pending our feedback."
  }
}
