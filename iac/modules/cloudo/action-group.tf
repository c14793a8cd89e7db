# The action group of the ClouDO module: Azure Monitor alerts posted to /api/Trigger in the common alert schema.

# The Trigger function takes a function key: var.function_key when given (a key the operator created for it, see
# iac/README.md, key bootstrap), else the host's default function key, read here. The host creates its keys when it first
# starts, so the keys are read after the app (depends_on defers the read to apply time while the app changes); the
# provider retries until the host answers. If it times out (image still pulling, roles still propagating), run
# `terraform apply` again.
#
# This data source puts every host key, the master key included, into the Terraform state: protect the state, or set
# function_key, which skips the read (iac/README.md, key bootstrap).
data "azurerm_function_app_host_keys" "this" {
  # nonsensitive: only whether function_key is set decides the count, never its value.
  count = var.create_action_group && nonsensitive(var.function_key == null) ? 1 : 0

  name                = azurerm_linux_function_app.this.name
  resource_group_name = var.resource_group_name

  depends_on = [azurerm_linux_function_app.this]
}

locals {
  app_url      = "https://${azurerm_linux_function_app.this.default_hostname}"
  function_key = var.function_key != null ? var.function_key : one(data.azurerm_function_app_host_keys.this[*].default_function_key)
  trigger_url  = local.function_key == null ? null : "${local.app_url}/api/Trigger?code=${urlencode(local.function_key)}"
}

resource "azurerm_monitor_action_group" "this" {
  count = var.create_action_group ? 1 : 0

  name                = "${var.name}-ag"
  resource_group_name = var.resource_group_name
  short_name          = var.action_group_short_name

  webhook_receiver {
    name                    = "cloudo-trigger"
    service_uri             = local.trigger_url
    use_common_alert_schema = true
  }

  tags = var.tags
}
