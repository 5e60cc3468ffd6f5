"""opsctl: the ops team's command line for environments and stacks."""
