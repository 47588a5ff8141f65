# Refuse to plan the cut-over until the change ticket is Completed.
data "servicerequest_case_status" "change_approval" {
  case_id = "CS20261130000002"

  lifecycle {
    postcondition {
      condition     = self.status_name == "Completed"
      error_message = "Ticket ${self.case_id} is ${self.status_name}; the cut-over waits until it is Completed."
    }
  }
}
