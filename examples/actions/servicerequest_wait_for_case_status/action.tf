# Checked when the change is applied, not when it was planned: the apply
# stops before terraform_data.cutover is created or updated unless the
# change ticket is Completed (3) at that moment. terraform_data stands for
# the resource the ticket approves.
action "servicerequest_wait_for_case_status" "change_approved" {
  config {
    case_id  = "CS20261130000010"
    statuses = [3]
  }
}

resource "terraform_data" "cutover" {
  input = "release-2026-12"

  lifecycle {
    action_trigger {
      events  = [before_create, before_update]
      actions = [action.servicerequest_wait_for_case_status.change_approved]
    }
  }
}
