# Usage rolled up per account and day. The report pages read only from this table, and
# rebuilding it from raw usage events takes days, so production keeps it protected.
resource "aws_dynamodb_table" "rollups" {
  name           = "usage-rollups-${var.environment}"
  billing_mode   = "PROVISIONED"
  read_capacity  = var.rollup_read_capacity
  write_capacity = var.rollup_write_capacity
  hash_key       = "account_id"
  range_key      = "usage_day"

  attribute {
    name = "account_id"
    type = "S"
  }

  attribute {
    name = "usage_day"
    type = "S"
  }

  point_in_time_recovery {
    enabled = local.is_production
  }

  deletion_protection_enabled = local.is_production
}

# CSV exports that customers download from the report pages.
resource "aws_s3_bucket" "exports" {
  bucket        = "usage-reports-exports-${var.environment}"
  force_destroy = !local.is_production
}

resource "aws_s3_bucket_versioning" "exports" {
  bucket = aws_s3_bucket.exports.id

  versioning_configuration {
    status = "Enabled"
  }
}
