"""Pages of the organisation: the tree, a unit, restructuring, officials, population."""
