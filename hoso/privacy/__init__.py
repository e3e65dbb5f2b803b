"""Personal data (Luật BVDLCN 91/2025, NĐ 356/2025): the school's privacy notice, the guardian's
consent per purpose and version, the parent's view of what the school holds about the child and
requests to correct it, tracked to their legal deadline."""
