import sys

from django.db import InterfaceError, OperationalError, connection
from django.http import HttpResponse, JsonResponse
from django.template import loader
from django.views.defaults import server_error as django_server_error


def health(request):
    """For load balancers: 200 when the database answers, 503 (server_error below) when it does not."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})


def server_error(request):
    """handler500: a database that is restarting or unreachable gives 503 with Retry-After, so clients and load
    balancers retry (a respondent's retry is safe: a submission is stored once); anything else is Django's 500.
    503.html is rendered without a request: the site template would ask the database for the session and user."""
    if isinstance(sys.exc_info()[1], (OperationalError, InterfaceError)):
        response = HttpResponse(loader.render_to_string("503.html"), status=503)
        response["Retry-After"] = "5"
        response["Cache-Control"] = "no-store"
        return response
    return django_server_error(request)
