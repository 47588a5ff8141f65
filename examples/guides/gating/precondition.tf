# The change ticket that approves the cut-over.
data "servicerequest_case_status" "change" {
  case_id = "CS20261130000010"
}

# terraform_data stands for the resource the ticket approves. Its
# precondition is checked at plan time: while the ticket is not Completed,
# the plan stops with the error below and nothing is changed.
resource "terraform_data" "cutover" {
  input = "release-2026-12"

  lifecycle {
    precondition {
      condition     = data.servicerequest_case_status.change.status == 3
      error_message = "Change ticket ${data.servicerequest_case_status.change.case_id} is ${data.servicerequest_case_status.change.status_name}; the cut-over waits until it is Completed."
    }
  }
}
