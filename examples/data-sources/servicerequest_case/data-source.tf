data "servicerequest_case" "incident" {
  case_id = "CS20261130000010"
}

output "incident" {
  value = {
    summary  = "${data.servicerequest_case.incident.case_id} (${data.servicerequest_case.incident.severity_name}): ${data.servicerequest_case.incident.description}"
    status   = data.servicerequest_case.incident.status_name
    opened   = data.servicerequest_case.incident.created_at
    messages = data.servicerequest_case.incident.message_count
    # timecmp compares instants, whatever the offsets: created_at carries
    # the offset of the request's time zone.
    older_than_a_day = timecmp(timeadd(data.servicerequest_case.incident.created_at, "24h"), plantimestamp()) < 0
  }
}
