# Every ticket about ECS raised this week that is not closed yet.
data "servicerequest_cases" "ecs_this_week" {
  statuses      = [0, 1, 2, 5, 17]
  search        = ["ECS"]
  created_after = timeadd(plantimestamp(), "-168h")
  max_results   = 200
}

output "open_ecs_tickets" {
  value = {
    ids       = [for c in data.servicerequest_cases.ecs_this_week.cases : c.id]
    by_status = { for name, n in data.servicerequest_cases.ecs_this_week.counts : name => n if n > 0 }
    complete  = !data.servicerequest_cases.ecs_this_week.truncated
  }
}
