output "table_name" {
  description = "Name of the rollups table."
  value       = aws_dynamodb_table.rollups.name
}

output "table_arn" {
  description = "ARN of the rollups table, for the IAM policies of the jobs that write to it."
  value       = aws_dynamodb_table.rollups.arn
}

output "exports_bucket_arn" {
  description = "ARN of the exports bucket."
  value       = aws_s3_bucket.exports.arn
}
