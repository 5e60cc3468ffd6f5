# Storage for usage reporting: usage rolled up per account and day, and the CSV exports
# customers download. The report pages read only from the rollups table, and rebuilding it
# from raw usage events takes days.

resource "aws_dynamodb_table" "rollups" {
  name      = "${var.name_prefix}-rollups"
  hash_key  = "account_id"
  range_key = "usage_day"

  # On-demand: reports are built in the first days of each month and the table idles otherwise.
  billing_mode = "PAY_PER_REQUEST"

  attribute {
    name = "account_id"
    type = "S"
  }

  attribute {
    name = "usage_day"
    type = "S"
  }

  point_in_time_recovery {
    enabled = var.deletion_protection
  }

  deletion_protection_enabled = var.deletion_protection
}

resource "aws_s3_bucket" "exports" {
  bucket        = var.exports_bucket_name
  force_destroy = !var.deletion_protection
}

resource "aws_s3_bucket_versioning" "exports" {
  bucket = aws_s3_bucket.exports.id

  versioning_configuration {
    status = "Enabled"
  }
}
