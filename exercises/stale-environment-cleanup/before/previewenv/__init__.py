"""previewenv: tooling for the per-pull-request preview environments."""
