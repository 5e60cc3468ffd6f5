variable "table_name" {
  description = "Name of the rollups table, e.g. \"usage-rollups-production\"."
  type        = string
}

variable "exports_bucket_name" {
  description = "Name of the exports bucket. Bucket names are global, so the caller chooses it."
  type        = string
}

variable "deletion_protection" {
  description = "Protect the table and the bucket from deletion, and keep point-in-time backups of the table."
  type        = bool
}
