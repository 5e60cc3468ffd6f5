"""stackwarden: finds deployed stacks that have drifted from their templates."""
