"""envctl: create and tear down preview environments."""
