# Preview stacks are created per pull request: CI passes -var environment=preview-pr-<number>.
region                = "eu-central-1"
rollup_read_capacity  = 5
rollup_write_capacity = 5
