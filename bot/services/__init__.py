"""Use cases: take primitives, run one transaction, call the pure core, return replies."""
