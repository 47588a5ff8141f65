# One request, however many tickets the account has.
data "servicerequest_case_counts" "all" {}

output "tickets" {
  value = {
    open             = data.servicerequest_case_counts.all.open
    total            = data.servicerequest_case_counts.all.total
    pending_feedback = data.servicerequest_case_counts.all.counts["Pending feedback"]
  }
}
