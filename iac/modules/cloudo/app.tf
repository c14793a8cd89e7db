# The Function App of the ClouDO module: the container image on an Elastic Premium (or Dedicated) Linux plan.

resource "azurerm_service_plan" "this" {
  name                         = "${var.name}-plan"
  resource_group_name          = var.resource_group_name
  location                     = var.location
  os_type                      = "Linux"
  sku_name                     = var.sku_name
  maximum_elastic_worker_count = local.elastic ? var.maximum_instance_count : null
  tags                         = var.tags
}

resource "azurerm_linux_function_app" "this" {
  name                = local.function_app_name
  resource_group_name = var.resource_group_name
  location            = var.location
  service_plan_id     = azurerm_service_plan.this.id

  # Host storage by identity: the provider writes AzureWebJobsStorage__accountName from these two; the identity's
  # client id and credential type are in local.identity_settings. A container needs no content share.
  storage_account_name          = local.storage_account_name
  storage_uses_managed_identity = true
  content_share_force_disabled  = true
  builtin_logging_enabled       = false

  functions_extension_version                    = "~4"
  https_only                                     = true
  ftp_publish_basic_authentication_enabled       = false
  webdeploy_publish_basic_authentication_enabled = false
  key_vault_reference_identity_id                = azurerm_user_assigned_identity.this.id

  app_settings = merge(local.platform_settings, local.identity_settings, local.cloudo_settings, local.secret_settings)

  # ClouDO's identity, and the runbooks', whose tokens ClouDO gets from the app's identity endpoint for its broker.
  identity {
    type         = "UserAssigned"
    identity_ids = [azurerm_user_assigned_identity.this.id, azurerm_user_assigned_identity.runbook.id]
  }

  site_config {
    application_insights_connection_string = azurerm_application_insights.this.connection_string
    always_on                              = !local.elastic
    app_scale_limit                        = local.elastic ? var.maximum_instance_count : null
    elastic_instance_minimum               = local.elastic ? 1 : null
    # Runtime scale monitoring: the scale controller asks the host for queue lengths instead of reading the queues
    # itself through the identity-based connection. It needs a pre-warmed instance.
    runtime_scale_monitoring_enabled  = local.elastic
    pre_warmed_instance_count         = local.elastic ? 1 : null
    health_check_path                 = "/api/health"
    health_check_eviction_time_in_min = 5
    minimum_tls_version               = "1.2"
    ftps_state                        = "Disabled"
    http2_enabled                     = true

    container_registry_use_managed_identity       = var.acr_id != null
    container_registry_managed_identity_client_id = var.acr_id != null ? azurerm_user_assigned_identity.this.client_id : null

    application_stack {
      docker {
        registry_url      = "https://${local.image_parts[0]}"
        image_name        = local.image_parts[1]
        image_tag         = local.image_parts[2]
        registry_username = var.registry_username
        registry_password = var.registry_password
      }
    }
  }

  # Sign-in with Entra ID (sign-in.tf) in front of the app: App Service authentication checks every request before
  # the Functions host sees it and passes the signed-in principal on as X-MS-CLIENT-PRINCIPAL, which ClouDO trusts
  # with CLOUDO_AUTH = "easy-auth" (and makes people's routes anonymous at the host). Absent with enable_sign_in = false.
  dynamic "auth_settings_v2" {
    for_each = var.enable_sign_in ? [1] : []
    content {
      auth_enabled           = true
      require_authentication = true
      # RedirectToLoginPage, not Return401: a browser without a session (the console, /api/logs opened by hand) is
      # sent to the Entra sign-in page, while API callers are answered 401 rather than redirected: a request with a
      # bearer token that fails validation, or one marked X-Requested-With: XMLHttpRequest. Return401 would answer
      # browsers 401 too and leave people no way to sign in. Scripts and CLIs send a token
      # (`az account get-access-token --resource <sign_in_identifier_uri>`).
      unauthenticated_action = "RedirectToLoginPage"
      default_provider       = "azureactivedirectory"
      # Reachable without sign-in, each with a credential of its own: alert webhooks and CI call the Trigger with a
      # function key; the platform's health check probes /api/health. Approval links are not excluded: the approver
      # signs in on the way, and the verified identity decides (four eyes by object id).
      excluded_paths = [
        "/api/Trigger",
        "/api/Trigger/*",
        "/api/health",
      ]

      active_directory_v2 {
        client_id            = azuread_application.this[0].client_id
        tenant_auth_endpoint = "https://login.microsoftonline.com/${data.azuread_client_config.current[0].tenant_id}/v2.0"
        # v2 tokens carry the client id as audience; the identifier URI covers v1 tokens.
        allowed_audiences = [azuread_application.this[0].client_id, local.sign_in_identifier_uri]
      }

      login {
        token_store_enabled = true
      }
    }
  }

  tags = var.tags

  # The host starts as soon as the app exists: give it its storage (and registry, vault) roles first, and its queues,
  # so that its queue triggers find them.
  depends_on = [
    azurerm_role_assignment.storage,
    azurerm_role_assignment.acr_pull,
    azurerm_role_assignment.key_vault_secrets,
    azurerm_storage_queue.this,
    azurerm_storage_queue.intake,
  ]

  lifecycle {
    precondition {
      condition     = var.key_vault_id != null || length(var.key_vault_secret_names) == 0
      error_message = "key_vault_secret_names needs key_vault_id."
    }
    precondition {
      condition     = var.create_storage == (var.storage_account_id == null)
      error_message = "storage_account_id goes with create_storage = false (an existing account), and only with it."
    }
    precondition {
      condition     = var.create_storage || var.storage_account_name == null
      error_message = "storage_account_name names the account the module creates: leave it unset with create_storage = false."
    }
    precondition {
      condition     = var.create_storage || length(var.intake_sender_principal_ids) == 0
      error_message = "intake_sender_principal_ids: the intake queue belongs to the instance that creates the storage (create_storage = true); list the senders there."
    }
    precondition {
      condition     = length(setintersection(local.queue_names, [local.intake_queue, "${local.intake_queue}-poison"])) == 0
      error_message = "worker_pools: no pool may use the intake queue ${local.intake_queue} or its poison queue (ClouDO refuses a pool on the intake queue)."
    }
    precondition {
      condition     = var.enable_sign_in || length(var.role_assignments) == 0
      error_message = "role_assignments needs enable_sign_in = true: without sign-in there is no app registration to hold the roles."
    }
    precondition {
      condition     = (var.registry_username == null) == (var.registry_password == null)
      error_message = "registry_username and registry_password go together."
    }
    precondition {
      condition     = var.acr_id == null || var.registry_username == null
      error_message = "With acr_id the image is pulled with the identity: leave registry_username and registry_password unset."
    }
  }
}
