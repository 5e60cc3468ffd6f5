terraform {
  required_version = ">= 1.5.0"

  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "~> 5.40"
    }
  }

  # bucket, key and region come from envs/<environment>.backend.hcl at init time
  backend "s3" {}
}

provider "aws" {
  region = var.region

  default_tags {
    tags = {
      service     = "usage-reports"
      environment = var.environment
    }
  }
}

locals {
  is_production = var.environment == "production"
}

# The rollups table and the exports bucket live in modules/usage_store, which the
# usage-forecasts stack will use as well.
module "store" {
  source = "../../modules/usage_store"

  table_name          = "usage-rollups-${var.environment}"
  exports_bucket_name = "usage-reports-exports-${var.environment}"
  deletion_protection = local.is_production
}

# Existing stacks keep their objects: these addresses moved into the module.
moved {
  from = aws_dynamodb_table.rollups
  to   = module.store.aws_dynamodb_table.rollups
}

moved {
  from = aws_s3_bucket.exports
  to   = module.store.aws_s3_bucket.exports
}

moved {
  from = aws_s3_bucket_versioning.exports
  to   = module.store.aws_s3_bucket_versioning.exports
}
