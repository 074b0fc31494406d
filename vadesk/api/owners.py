"""The API's one rule for "owners only": 404 outside the organisation's staff, 403 for one of its assistants.

Someone who is not on the staff learns nothing, not even that the organisation exists (as for any object out of
reach); an assistant knows the organisation and is told, in their language, that only an owner may do this.
"""

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext as _

from vadesk.accounts.access import reach_of
from vadesk.accounts.models import Organisation, Person


def owned_organisation(person: Person, organisation_id: int) -> Organisation:
    """The organisation when the person is one of its owners; 403 for its assistants, 404 for anyone else."""
    reach = reach_of(person)
    if organisation_id not in reach.owner_of:
        if organisation_id in reach.staff_of:
            raise PermissionDenied(_("Only an owner of the organisation can do this."))
        raise Http404
    return Organisation.objects.get(pk=organisation_id)
