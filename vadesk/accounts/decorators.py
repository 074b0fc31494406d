"""Who may open a page at all: staff pages need a staff membership in the organisation being worked in,
portal pages a client user's. Which objects they then reach is the nouns' scoping helpers' business."""

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect


def staff_required(view):
    @login_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        membership = request.membership
        if membership is None:
            raise PermissionDenied
        if membership.is_client_user:
            return redirect("portal:home")
        return view(request, *args, **kwargs)

    return wrapper


def owner_required(view):
    @staff_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.membership.is_owner:
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper


def client_user_required(view):
    """Only a client user, and only for their own client: the portal's whole reach."""

    @login_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        membership = request.membership
        if membership is None or not membership.is_client_user:
            raise PermissionDenied
        request.portal_client = membership.client
        return view(request, *args, **kwargs)

    return wrapper
