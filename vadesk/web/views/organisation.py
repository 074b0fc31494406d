"""The owner's view of the organisation: its details and the people in it."""

from datetime import timedelta

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from vadesk.accounts.decorators import owner_required
from vadesk.accounts.middleware import SESSION_KEY
from vadesk.accounts.models import Invitation, Language, Membership, Organisation, Person
from vadesk.accounts.services import invitation_accept, invitation_decline, invitation_for, member_add
from vadesk.clients.models import Client
from vadesk.lib.formfields import model_choices
from vadesk.lib.pages import apply_validation_error
from vadesk.timesheets.models import WorkLogPolicy
from vadesk.timesheets.usage import worked_per_person
from vadesk.timesheets.worklog import work_log_policy_of, work_log_policy_set
from vadesk.web.views.common import organisation_staff


class OrganisationForm(forms.ModelForm):
    class Meta:
        model = Organisation
        fields = [
            "name",
            "kind",
            "legal_form",
            "street",
            "postal_code",
            "city",
            "country",
            "coc_number",
            "vat_id",
            "iban",
            "default_hourly_rate",
            "time_zone",
        ]


class MemberForm(forms.Form):
    email = forms.EmailField(label=gettext_lazy("E-mail address"))
    full_name = forms.CharField(max_length=150, required=False, label=gettext_lazy("Full name"))
    role = forms.ChoiceField(choices=Membership.Role.choices, label=gettext_lazy("Role"))
    client = forms.ModelChoiceField(
        queryset=Client.objects.none(), required=False, label=gettext_lazy("Client (for client users)")
    )
    language = forms.ChoiceField(choices=Language.choices, label=gettext_lazy("Language"))

    def __init__(self, *args, organisation, **kwargs):
        super().__init__(*args, **kwargs)
        model_choices(self, "client").queryset = organisation.clients.active()


@owner_required
def organisation_settings(request):
    organisation = request.membership.organisation
    form = OrganisationForm(request.POST or None, instance=organisation)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Saved."))
        return redirect("organisation")
    return render(request, "web/form_page.html", {"form": form, "title": _("Organisation details")})


class WorkLogPolicyForm(forms.Form):
    names = forms.ChoiceField(
        choices=WorkLogPolicy.Names.choices, label=gettext_lazy("Who worked, in the client's log")
    )
    show_rates = forms.BooleanField(required=False, label=gettext_lazy("Show rates and amounts to clients"))


@owner_required
def work_log_policy_edit(request):
    """What the organisation's clients see in their work log: names, first names or "your team"; rates or not."""
    organisation = request.membership.organisation
    policy = work_log_policy_of(organisation)
    form = WorkLogPolicyForm(request.POST or None, initial={"names": policy.names, "show_rates": policy.show_rates})
    if request.method == "POST" and form.is_valid():
        work_log_policy_set(by=request.user, organisation=organisation, **form.cleaned_data)
        messages.success(request, _("Saved."))
        return redirect("work_log_policy")
    return render(request, "web/form_page.html", {"form": form, "title": _("What clients see in their work log")})


def invitation_link(request, person: Person) -> str:
    """A one-time link to choose a password; Django's reset tokens expire and die once used."""
    if person.has_usable_password():
        return request.build_absolute_uri(reverse("login"))
    path = reverse(
        "password_reset_confirm",
        kwargs={
            "uidb64": urlsafe_base64_encode(force_bytes(person.pk)),
            "token": default_token_generator.make_token(person),
        },
    )
    return request.build_absolute_uri(path)


@owner_required
def member_new(request):
    organisation = request.membership.organisation
    form = MemberForm(
        request.POST or None,
        organisation=organisation,
        initial={"role": Membership.Role.ASSISTANT, "language": request.user.language},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            membership = member_add(
                organisation=organisation,
                email=data["email"],
                full_name=data["full_name"],
                role=data["role"],
                client=data["client"],
                language=data["language"],
                invite_url=lambda p: invitation_link(request, p),
                accept_url=lambda token: request.build_absolute_uri(reverse("invitation", args=[token])),
                by=request.user,
            )
        except ValidationError as error:
            apply_validation_error(form, request, error)
        else:
            if isinstance(membership, Invitation):
                # What the owner typed, never the account's own name (issue 10.7).
                messages.success(
                    request,
                    _("%(name)s has been e-mailed an invitation and joins once they accept it.") % {"name": membership},
                )
            else:
                messages.success(
                    request, _("%(name)s was added and has been e-mailed an invitation.") % {"name": membership.person}
                )
            return redirect("team")
    return render(request, "web/form_page.html", {"form": form, "title": _("Add a person")})


@owner_required
def team(request):
    """Owners see every assistant: their clients and hours this week and month."""
    today = timezone.localdate()
    monday, first = today - timedelta(days=today.weekday()), today.replace(day=1)
    organisation = request.membership.organisation
    # Clients of this organisation only: a member of two agencies shows here with this one's count.
    staff = organisation_staff(request).annotate(
        client_count=Count("assignments", filter=Q(assignments__client__organisation=organisation), distinct=True)
    )
    # From the kept weekly usage, not every entry of the month: the cost of the team, not of its history.
    week, month = worked_per_person(organisation.pk, monday), worked_per_person(organisation.pk, first)
    memberships = {m.person_id: m for m in request.membership.organisation.memberships.all()}
    rows = [(p, memberships.get(p.pk), week.get(p.pk, 0), month.get(p.pk, 0)) for p in staff]
    client_users = request.membership.organisation.memberships.filter(role="client", is_active=True).select_related(
        "person", "client"
    )
    invited = organisation.invitations.filter(accepted_at=None, declined_at=None, expires_at__gt=timezone.now())
    return render(
        request,
        "web/team.html",
        {"rows": rows, "client_users": client_users, "invited": invited.order_by("-created_at")},
    )


@login_required
def invitation(request, token: str):
    """The invited person, signed in with the invited address, accepts or declines; anyone else learns nothing."""
    try:
        found = invitation_for(person=request.user, token=token)
    except ValidationError as error:
        return render(request, "web/invitation.html", {"error": error.messages[0]}, status=404)
    if request.method == "POST":
        try:
            if request.POST.get("answer") == "accept":
                membership = invitation_accept(person=request.user, token=token)
                request.session[SESSION_KEY] = membership.pk
                messages.success(
                    request, _("You now work with %(organisation)s.") % {"organisation": found.organisation}
                )
                return redirect("home")
            invitation_decline(person=request.user, token=token)
            messages.success(request, _("Invitation declined."))
            return redirect("home")
        except ValidationError as error:
            return render(request, "web/invitation.html", {"error": error.messages[0]}, status=404)
    return render(request, "web/invitation.html", {"invitation": found})
