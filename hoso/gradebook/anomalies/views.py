"""The page of anomalous scores (điểm bất thường) for the principal and vice principals."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from hoso.core import clock
from hoso.gradebook.anomalies.policies import require_anomalies
from hoso.gradebook.anomalies.selectors import THRESHOLDS
from hoso.gradebook.anomalies.selectors import anomaly_report as anomaly_report_for
from hoso.gradebook.progress.selectors import chosen_term


@login_required
def anomaly_report(request):
    actor = request.actor
    require_anomalies(actor)
    errors: list[str] = []
    term, error = chosen_term(actor.year, request.GET.get("hoc-ky", ""))
    if error:
        errors.append(error)
    report = anomaly_report_for(actor, term=term)
    return render(
        request,
        "gradebook/progress_anomalies.html",
        {
            "report": report,
            "errors": errors,
            "terms": list(actor.year.terms.all()) if actor.year else [],
            "thresholds": THRESHOLDS,
            "generated_at": clock.local_now(),
        },
    )
