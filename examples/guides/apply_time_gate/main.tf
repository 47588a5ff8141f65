# Both gates on one change. The precondition is checked while planning, so
# nobody reviews a plan for a change that is not approved; the action is
# checked again right before the change is made, so a saved plan applied
# after the ticket was reopened or canceled stops there.
data "servicerequest_case_status" "change" {
  case_id = "CS20261130000010"
}

action "servicerequest_wait_for_case_status" "change_still_approved" {
  config {
    case_id  = "CS20261130000010"
    statuses = [3]
  }
}

resource "terraform_data" "cutover" {
  input = "release-2026-12"

  lifecycle {
    precondition {
      condition     = data.servicerequest_case_status.change.status == 3
      error_message = "Change ticket ${data.servicerequest_case_status.change.case_id} is ${data.servicerequest_case_status.change.status_name}; the cut-over waits until it is Completed."
    }

    action_trigger {
      events  = [before_create, before_update]
      actions = [action.servicerequest_wait_for_case_status.change_still_approved]
    }
  }
}
