# Times come back as RFC 3339 with the offset of the request's time zone.
# Comparisons with timecmp() are right whatever the zone; the zone only
# changes how the same instant is written.
data "servicerequest_case" "in_utc" {
  case_id   = "CS20261130000010"
  time_zone = "UTC"
}

data "servicerequest_case" "in_shanghai" {
  case_id   = "CS20261130000010"
  time_zone = "Asia/Shanghai"
}

output "created" {
  value = {
    utc       = data.servicerequest_case.in_utc.created_at      # 2026-11-30T02:00:00Z
    shanghai  = data.servicerequest_case.in_shanghai.created_at # 2026-11-30T10:00:00+08:00
    same_time = timecmp(data.servicerequest_case.in_utc.created_at, data.servicerequest_case.in_shanghai.created_at) == 0
  }
}
