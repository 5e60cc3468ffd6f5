environment = "production"
region      = "eu-central-1"
