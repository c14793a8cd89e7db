# Optional seeding of mappings through ClouDO's own CLI: one encoding and one validation of mapping files, not a
# second copy of them in HCL.

locals {
  seed_files = var.seed_mappings == null ? [] : sort(fileset(var.seed_mappings.schemas_dir, "*.json"))
}

resource "terraform_data" "seed_mappings" {
  count = var.seed_mappings == null ? 0 : 1

  # Runs again whenever a mapping file changes.
  triggers_replace = [for f in local.seed_files : filesha256("${var.seed_mappings.schemas_dir}/${f}")]

  provisioner "local-exec" {
    working_dir = var.seed_mappings.cloudo_dir
    command     = "node dist/src/cli/main.js schemas apply"
    environment = {
      AzureWebJobsStorage__accountName = local.storage_account_name
      CLOUDO_SCHEMAS_DIR               = abspath(var.seed_mappings.schemas_dir)
      CLOUDO_RUNBOOKS_DIR              = abspath("${var.seed_mappings.cloudo_dir}/runbooks")
    }
  }

  depends_on = [azurerm_role_assignment.mapping_operator, azapi_resource.table]
}
