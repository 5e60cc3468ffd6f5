"""Role policies for the deployment tooling, and the loader CI uses to validate them."""
