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
