variable "name_prefix" {
  description = "Prefix for the names of the module's resources, e.g. \"usage-reports-production\"."
  type        = string
}

variable "exports_bucket_name" {
  description = "Name of the exports bucket. Bucket names are global, so the caller chooses it."
  type        = string
}

variable "deletion_protection" {
  description = "Protect the table and the bucket from deletion, and keep point-in-time backups of the table."
  type        = bool
  default     = false
}
