# The Azure Monitor workbook of the ClouDO module: runs, latency, pages and queues, charted from ClouDO's
# OpenTelemetry metrics in the module's Application Insights (customMetrics; see self-alerts.tf for how they land).
# The workbook's JSON is workbook.json.tftpl, a template that stays valid JSON (its placeholders sit inside strings),
# so test/unit/repository/terraform.test.ts can parse it and hold every chart to ClouDO's metric names.

resource "azurerm_application_insights_workbook" "this" {
  count = var.enable_workbook ? 1 : 0

  # A workbook's name is a GUID: a stable one per instance, so a change of the JSON updates the workbook in place.
  name                = uuidv5("url", "cloudo:workbook:${var.resource_group_name}/${var.name}")
  resource_group_name = var.resource_group_name
  location            = var.location
  display_name        = "ClouDO ${var.name}"
  description         = "ClouDO's runs, latency, pages and queues, from its OpenTelemetry metrics (see docs/telemetry.md, Workbook)."
  category            = "workbook"
  # Opens on the module's Application Insights, in its Workbooks blade (the id lower-case, as the API wants it).
  source_id = lower(azurerm_application_insights.this.id)

  data_json = templatefile("${path.module}/workbook.json.tftpl", {
    app_insights_id   = azurerm_application_insights.this.id
    name              = var.name
    failure_rate      = var.self_alert_failure_rate
    page_owed_seconds = var.self_alert_page_owed_seconds
  })

  tags = var.tags
}
