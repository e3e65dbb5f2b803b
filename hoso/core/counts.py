"""Several COUNTs in one round trip: ``counts(classes=qs1, students=qs2)`` → ``{"classes": 12,
"students": 475}``. A page that shows a handful of figures asks the database once, not once per
figure (issue 14: every page ≤ 25 queries)."""

from __future__ import annotations

from django.db import connection
from django.db.models import QuerySet


def counts(**querysets: QuerySet) -> dict[str, int]:
    """The number of rows of each queryset, in one query (a SELECT of scalar sub-queries)."""
    if not querysets:
        return {}
    parts, params = [], []
    for qs in querysets.values():
        sql, p = qs.order_by().values("pk").query.sql_with_params()
        parts.append(f"(SELECT COUNT(*) FROM ({sql}) AS c)")
        params.extend(p)
    with connection.cursor() as cursor:
        cursor.execute("SELECT " + ", ".join(parts), params)
        row = cursor.fetchone()
    return {name: int(n) for name, n in zip(querysets, row, strict=True)}
