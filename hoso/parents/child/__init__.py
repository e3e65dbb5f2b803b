"""The child's page (trang của con): what a parent sees of each of its children."""
