environment           = "production"
region                = "eu-central-1"
rollup_read_capacity  = 400
rollup_write_capacity = 150
