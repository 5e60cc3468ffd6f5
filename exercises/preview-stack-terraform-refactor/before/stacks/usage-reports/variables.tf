variable "environment" {
  description = "\"production\", or \"preview-<name>\" for a short-lived preview stack."
  type        = string

  validation {
    condition     = var.environment == "production" || can(regex("^preview-[a-z0-9-]+$", var.environment))
    error_message = "The environment must be \"production\" or \"preview-<name>\"."
  }
}

variable "region" {
  description = "Region the stack is deployed to."
  type        = string
}

variable "rollup_read_capacity" {
  description = "Provisioned read capacity of the rollups table."
  type        = number
}

variable "rollup_write_capacity" {
  description = "Provisioned write capacity of the rollups table."
  type        = number
}
