"""The top bar's search: one box over clients, contacts, tasks, comments, dossier facts and invoices."""

from django.shortcuts import render

from vadesk.accounts.decorators import staff_required
from vadesk.lib.params import param_text
from vadesk.reports.search import MAX_LENGTH, MIN_LENGTH, search


@staff_required
def search_page(request):
    text = param_text(request.GET, "q", max_length=MAX_LENGTH * 2)
    results = search(request.user, request.membership.organisation_id, text)
    return render(
        request,
        "web/search.html",
        {
            "results": results,
            "typed": text[:MAX_LENGTH],
            "too_short": bool(text.strip()) and not results.query,
            "min_length": MIN_LENGTH,
        },
    )
