# Audit a closed change ticket before relying on it: it must be closed,
# and closed by someone other than the IAM user who raised it.
data "servicerequest_case" "change_audit" {
  case_id         = "CS20261130000011"
  include_history = true

  lifecycle {
    postcondition {
      condition = self.closed && length([
        for h in self.history : h
        if h.operation_name == "Closed" && h.operator_name != self.sub_user_name
      ]) > 0
      error_message = "Ticket ${self.case_id} is ${self.status_name} and was not closed by anyone but its author ${self.sub_user_name}: ${join("; ", [for h in self.history : "${h.time} ${h.operation_name} by ${h.operator_name}"])}."
    }
  }
}
