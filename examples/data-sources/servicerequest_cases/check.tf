# Warn, without failing the plan, while tickets wait for our feedback.
check "no_ticket_waits_for_us" {
  data "servicerequest_cases" "pending_feedback" {
    statuses = [17]
  }

  assert {
    condition     = length(data.servicerequest_cases.pending_feedback.cases) == 0
    error_message = "${data.servicerequest_cases.pending_feedback.total_count} ticket(s) wait for our feedback: ${join(", ", [for c in data.servicerequest_cases.pending_feedback.cases : "${c.id} (${c.description})"])}."
  }
}
