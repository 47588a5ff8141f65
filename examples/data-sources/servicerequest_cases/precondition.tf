# Refuse the cut-over while any open ticket about ECS has severity 1. The
# search finds the open tickets; their severity comes with the details.
variable "blocking_severities" {
  description = "Severity names, as the service words them in the provider's language, that block the cut-over."
  type        = list(string)
  default     = ["Severity 1"]
}

data "servicerequest_cases" "open_ecs" {
  statuses = [0, 1, 2, 5, 17]
  search   = ["ECS"]
}

data "servicerequest_case" "open_ecs" {
  count   = length(data.servicerequest_cases.open_ecs.cases)
  case_id = data.servicerequest_cases.open_ecs.cases[count.index].id
}

locals {
  blocking = [
    for c in data.servicerequest_case.open_ecs : "${c.case_id} (${c.severity_name}, ${c.status_name})"
    if contains(var.blocking_severities, c.severity_name)
  ]
}

resource "terraform_data" "ecs_cutover" {
  input = "ecs-cutover"

  lifecycle {
    precondition {
      condition     = length(local.blocking) == 0 && !data.servicerequest_cases.open_ecs.truncated
      error_message = "The ECS cut-over waits for open severity-1 tickets: ${join(", ", local.blocking)}."
    }
  }
}
