"""`course demo`: a simulated class, graded end to end in a temporary course. Nothing imports it
but the command line."""
