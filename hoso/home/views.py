from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from hoso.home.selectors import home_sections


@login_required
def index(request):
    actor = request.actor
    return render(
        request,
        "home/index.html",
        {"sections": home_sections(actor), "roles": actor.role_labels()},
    )
