"""Jobs of the portal, run by `vadesk worker`."""

from vadesk.accounts.signin_links import signin_link_send
from vadesk.jobs.registry import job
from vadesk.timesheets.consent import consents_lapse

SECRET = "{secret}"  # where the link's secret goes in the `url` the view gives


@job(max_attempts=3)
def signin_link_job(*, email: str, url: str) -> bool:
    """Mail the sign-in link a request asked for, if the address is a client user's. Run by a worker, not by the
    request: the request's answer then takes as long for an unknown address as for a known one."""
    return signin_link_send(email=email, link_url=lambda secret: url.replace(SECRET, secret))


@job(max_attempts=3)
def consents_lapse_job() -> int:
    """Tell the team of each consent question that lapsed without an answer, once (see timesheets/consent.py)."""
    return len(consents_lapse())
