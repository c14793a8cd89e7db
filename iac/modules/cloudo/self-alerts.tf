# ClouDO alerts on itself: alert rules on ClouDO's own health, routed to the operators' action groups
# (self_alert_action_group_ids), never to ClouDO's own action group: an alert about ClouDO posted to ClouDO's Trigger
# would ask the failing system to handle its own failure, and could loop.
#
# The log search rules read the OpenTelemetry metrics ClouDO exports with the Azure Monitor OpenTelemetry distro into
# this module's Application Insights. Scoped to the Application Insights resource, they query its customMetrics table
# (in the workspace the same rows are AppMetrics): one row per metric, attribute set and export interval (60 s),
# `name` the OpenTelemetry metric name, `customDimensions` its attributes. The exporter uses delta temporality for
# counters and histograms, so a row's valueSum is what was counted (or the sum of what was measured) in its interval;
# a gauge's row carries its sampled value in valueSum with valueCount 1. Metric names and attributes are ClouDO's
# telemetry contract (docs/telemetry.md); test/unit/repository/terraform.test.ts holds every query to it.
#
# Each rule returns one number (per queue for poison messages) and compares it with a threshold; without data there
# is no row and the rule stays quiet, and auto-mitigation resolves a fired alert once its query is back under the
# threshold. The Function App's own errors are platform metrics: metric alerts, which need no query.

locals {
  # Operators' action groups only, never ClouDO's own: not the created resource's id, and not the id Azure gives an
  # action group <name>-ag in this resource group (known at plan time, in any subscription), ids compared lower-case.
  own_action_group_suffix = lower("/resourceGroups/${var.resource_group_name}/providers/Microsoft.Insights/actionGroups/${var.name}-ag")
  self_alert_routes_separate = !anytrue([
    for id in var.self_alert_action_group_ids :
    endswith(lower(id), local.own_action_group_suffix) || contains([for own in azurerm_monitor_action_group.this[*].id : lower(own)], lower(id))
  ])
  self_alert_routes_error = "self_alert_action_group_ids must not contain ClouDO's own action group (${var.name}-ag): alerts on ClouDO go to people, not back into ClouDO."

  # The log search rules, by key (the key of self_alert_rule_ids): the Azure resource is <name>-<name suffix>, its
  # display name "ClouDO <name>: <title>"; the query yields the column `measure`, compared with `threshold` by
  # `operator`; `dimension` (or null) splits the rule into one alert per value of that column.
  self_alert_queries = {
    # Messages in any poison queue: a run request (worker queue) or an intake request the host gave up on after
    # maxDequeueCount attempts. Nobody runs them until someone looks; one alert per queue.
    poison_messages = {
      name                 = "poison-messages"
      title                = "messages in a poison queue"
      description          = "ClouDO's Sweeper counts messages in a -poison queue (cloudo.queue.poison_messages): requests the host gave up on. See `cloudo intake status` (and `cloudo intake replay` for the intake queue) or peek at the queue with az storage message peek."
      severity             = 2
      evaluation_frequency = "PT5M"
      window_duration      = "PT15M"
      query                = <<-KQL
        customMetrics
        | where name == "cloudo.queue.poison_messages"
        | extend queue = tostring(customDimensions["queue"])
        | summarize poison_messages = max(valueSum / valueCount) by queue
      KQL
      measure              = "poison_messages"
      operator             = "GreaterThan"
      threshold            = 0
      dimension            = "queue"
    }

    # Runs stuck: running past their lease (a worker died mid-run, recycled or out of memory, or hangs) or queued with
    # their message due again, and the Sweeper has not settled them yet.
    runs_overdue = {
      name                 = "runs-overdue"
      title                = "runs stuck"
      description          = "Runs stuck: running past their lease, or queued with their message due again (cloudo.runs.overdue, sampled by the Sweeper every minute). See `cloudo logs --status running` and the worker's logs."
      severity             = 2
      evaluation_frequency = "PT5M"
      window_duration      = "PT15M"
      query                = <<-KQL
        customMetrics
        | where name == "cloudo.runs.overdue"
        | summarize runs_overdue = max(valueSum / valueCount)
      KQL
      measure              = "runs_overdue"
      operator             = "GreaterThan"
      threshold            = 0
      dimension            = null
    }

    # Pages owed too long: ClouDO owes someone a page (Opsgenie, chat) and has not delivered it for longer than
    # self_alert_page_owed_seconds. The people who should have been paged do not know.
    pages_owed = {
      name                 = "pages-owed"
      title                = "pages owed too long"
      description          = "The oldest page ClouDO owes (cloudo.pages.oldest_owed_seconds) is older than ${var.self_alert_page_owed_seconds} s: on-call is not being told. Check OPSGENIE_API_KEY, the chat webhook and cloudo.pages.delivery_failures."
      severity             = 1
      evaluation_frequency = "PT5M"
      window_duration      = "PT15M"
      query                = <<-KQL
        customMetrics
        | where name == "cloudo.pages.oldest_owed_seconds"
        | summarize oldest_owed_seconds = max(valueSum / valueCount)
      KQL
      measure              = "oldest_owed_seconds"
      operator             = "GreaterThan"
      threshold            = var.self_alert_page_owed_seconds
      dimension            = null
    }

    # Failure rate of runs: failed, timed_out and error among the runs that ended on their own (those and succeeded)
    # in the last hour, once at least self_alert_failure_min_runs ended (two failures out of three runs are no trend).
    # cancelled, skipped, rejected and expired are people's or ClouDO's decisions, not failures: on neither side.
    run_failure_rate = {
      name                 = "run-failure-rate"
      title                = "run failure rate"
      description          = "More than ${var.self_alert_failure_rate * 100}% of the runs that ended in the last hour failed, timed out or erred (cloudo.runs.finished, at least ${var.self_alert_failure_min_runs} runs). See the ClouDO workbook and `cloudo logs --status failed`."
      severity             = 2
      evaluation_frequency = "PT15M"
      window_duration      = "PT1H"
      query                = <<-KQL
        customMetrics
        | where name == "cloudo.runs.finished"
        | extend status = tostring(customDimensions["status"])
        | summarize ended = sumif(valueSum, status in ("succeeded", "failed", "timed_out", "error")),
            failed = sumif(valueSum, status in ("failed", "timed_out", "error"))
        | where ended >= ${var.self_alert_failure_min_runs}
        | project failure_rate = todouble(failed) / ended
      KQL
      measure              = "failure_rate"
      operator             = "GreaterThan"
      threshold            = var.self_alert_failure_rate
      dimension            = null
    }
  }

  # The metric alerts, by key as above. Both count the app's errors over 15 minutes against
  # self_alert_error_threshold; they differ in the resource and the metric.
  self_alert_metrics = {
    # The Function App's own errors, as the platform counts them. Exceptions, not failed requests: whether a 4xx
    # answer is a failed request depends on who records the request (the Functions host or the OpenTelemetry
    # exporter), and ClouDO answers 401, 404 and 429 by design. A function that throws (a trigger, a worker, the
    # Sweeper) is an exception.
    function_exceptions = {
      name             = "function-exceptions"
      description      = "More than ${var.self_alert_error_threshold} exceptions in 15 minutes in ClouDO's functions (Application Insights exceptions/count). See the exceptions table in Application Insights ${var.name}-appi."
      scope            = azurerm_application_insights.this.id
      severity         = 1
      metric_namespace = "microsoft.insights/components"
      metric_name      = "exceptions/count"
      aggregation      = "Count"
    }

    # 5xx answers of the Function App's front end: also when the host is down or restarting and Application Insights
    # sees nothing at all (502, 503).
    http_5xx = {
      name             = "http-5xx"
      description      = "More than ${var.self_alert_error_threshold} HTTP 5xx answers in 15 minutes from ${local.function_app_name} (Http5xx): the host fails requests or is down. Check /api/health and the app's logs."
      scope            = azurerm_linux_function_app.this.id
      severity         = 1
      metric_namespace = "Microsoft.Web/sites"
      metric_name      = "Http5xx"
      aggregation      = "Total"
    }
  }
}

resource "azurerm_monitor_scheduled_query_rules_alert_v2" "this" {
  for_each = var.enable_self_alerts ? local.self_alert_queries : {}

  name                 = "${var.name}-${each.value.name}"
  display_name         = "ClouDO ${var.name}: ${each.value.title}"
  description          = each.value.description
  resource_group_name  = var.resource_group_name
  location             = var.location
  scopes               = [azurerm_application_insights.this.id]
  severity             = each.value.severity
  evaluation_frequency = each.value.evaluation_frequency
  window_duration      = each.value.window_duration

  criteria {
    query                   = each.value.query
    time_aggregation_method = "Maximum"
    metric_measure_column   = each.value.measure
    operator                = each.value.operator
    threshold               = each.value.threshold

    dynamic "dimension" {
      for_each = each.value.dimension == null ? [] : [each.value.dimension]
      content {
        name     = dimension.value
        operator = "Include"
        values   = ["*"]
      }
    }

    # The queries return no timestamp column: one evaluation period, the window they summarize.
    failing_periods {
      minimum_failing_periods_to_trigger_alert = 1
      number_of_evaluation_periods             = 1
    }
  }

  auto_mitigation_enabled = true

  dynamic "action" {
    for_each = length(var.self_alert_action_group_ids) > 0 ? [1] : []
    content {
      action_groups = var.self_alert_action_group_ids
    }
  }

  tags = var.tags

  lifecycle {
    precondition {
      condition     = local.self_alert_routes_separate
      error_message = local.self_alert_routes_error
    }
  }
}

resource "azurerm_monitor_metric_alert" "this" {
  for_each = var.enable_self_alerts ? local.self_alert_metrics : {}

  name                = "${var.name}-${each.value.name}"
  description         = each.value.description
  resource_group_name = var.resource_group_name
  scopes              = [each.value.scope]
  severity            = each.value.severity
  frequency           = "PT5M"
  window_size         = "PT15M"
  auto_mitigate       = true

  criteria {
    metric_namespace = each.value.metric_namespace
    metric_name      = each.value.metric_name
    aggregation      = each.value.aggregation
    operator         = "GreaterThan"
    threshold        = var.self_alert_error_threshold
  }

  dynamic "action" {
    for_each = toset(var.self_alert_action_group_ids)
    content {
      action_group_id = action.value
    }
  }

  tags = var.tags

  lifecycle {
    precondition {
      condition     = local.self_alert_routes_separate
      error_message = local.self_alert_routes_error
    }
  }
}

# Self-alerts that notify nobody still fire in the portal (Monitor > Alerts); say so on every plan.
check "self_alert_routes" {
  assert {
    condition     = !var.enable_self_alerts || length(var.self_alert_action_group_ids) > 0
    error_message = "enable_self_alerts is on but self_alert_action_group_ids is empty: ClouDO's alerts on itself notify nobody (they show in Azure Monitor > Alerts only)."
  }
}
