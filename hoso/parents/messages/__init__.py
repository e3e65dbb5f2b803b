"""News, notices, one-to-one messages and meetings between the school and parents."""
