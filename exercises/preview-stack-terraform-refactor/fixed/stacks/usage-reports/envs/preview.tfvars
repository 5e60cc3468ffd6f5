# Preview stacks are created per pull request: CI passes -var environment=preview-pr-<number>.
region = "eu-central-1"
