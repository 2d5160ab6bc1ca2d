"""ACCOUNT AZIENDALE in IL MIO ACCOUNT: create the company, its data, members and invitations;
and the page an invitation link opens."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from sportello.accounts.buyer_kind import COMPANY, remember_buyer_kind
from sportello.companies import actions
from sportello.companies.forms import CompanyForm, InvitationForm, MemberForm, TransferForm
from sportello.companies.models import Membership
from sportello.companies.queries import (
    invitation_for_token,
    members_of,
    membership_of,
    pending_invitations,
)

HOME = "companies:home"


def _company_data(company) -> dict[str, str]:
    return {name: getattr(company, name) for name in actions.COMPANY_FIELDS}


def _render_home(request, membership: Membership, *, status: int = 200, **forms):
    company = membership.company
    members = list(members_of(company))
    is_admin = membership.is_administrator
    context = {
        "membership": membership,
        "company": company,
        "members": members,
        "is_admin": is_admin,
    }
    if is_admin:
        context["invitations"] = list(pending_invitations(company))
        context["invite_form"] = forms.get("invite_form") or InvitationForm()
        context["transfer_form"] = forms.get("transfer_form") or TransferForm(members=members)
        for member in members:
            if not member.is_administrator:
                member.change_form = MemberForm(  # type: ignore[attr-defined]
                    prefix=f"membro-{member.pk}",
                    member_name=member.user.display_name,
                    initial={
                        "role": member.role,
                        "can_see_colleague_orders": member.can_see_colleague_orders,
                    },
                )
    return render(request, "companies/home.html", context, status=status)


def _admin_membership(request) -> Membership:
    membership = membership_of(request.user)
    if membership is None or not membership.is_administrator:
        raise Http404("Account aziendale non trovato")
    return membership


def _member_of_my_company(request, pk: int) -> tuple[Membership, Membership]:
    """(the request user's membership, the company member `pk`); 404 outside the company."""
    mine = membership_of(request.user)
    if mine is None:
        raise Http404("Account aziendale non trovato")
    other = (
        Membership.objects.select_related("user", "company")
        .filter(pk=pk, company=mine.company, removed_at__isnull=True)
        .first()
    )
    if other is None:
        raise Http404("Membro non trovato")
    return mine, other


@require_http_methods(["GET", "POST"])
@login_required
def home(request):
    membership = membership_of(request.user)
    if membership is not None:
        if request.method == "POST":
            return redirect(HOME)
        return _render_home(request, membership)
    form = CompanyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            actions.create_company(user=request.user, data=form.cleaned_data)
            remember_buyer_kind(request, COMPANY, from_billing=True)
        except actions.PartitaIvaTaken as exc:
            form.add_error("partita_iva", exc.message)
        except actions.CompanyActionRefused as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, "Account aziendale creato: ne sei l'amministratore.")
            return redirect(HOME)
    return render(
        request,
        "companies/create.html",
        {"form": form},
        status=400 if request.method == "POST" else 200,
    )


@require_http_methods(["GET", "POST"])
@login_required
def edit(request):
    membership = _admin_membership(request)
    company = membership.company
    form = CompanyForm(
        request.POST or None,
        initial=_company_data(company),
        fixed_partita_iva=company.partita_iva,
    )
    if request.method == "POST" and form.is_valid():
        try:
            actions.update_company(company=company, actor=request.user, data=form.cleaned_data)
        except actions.CompanyActionRefused as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, "Dati aziendali salvati.")
        return redirect(HOME)
    return render(
        request,
        "companies/edit.html",
        {"form": form, "company": company},
        status=400 if request.method == "POST" else 200,
    )


@require_POST
@login_required
def invite(request):
    membership = _admin_membership(request)
    form = InvitationForm(request.POST)
    if form.is_valid():
        try:
            actions.invite(
                company=membership.company,
                actor=request.user,
                email=form.cleaned_data["email"],
                role=form.cleaned_data["role"],
                can_see_colleague_orders=form.cleaned_data["can_see_colleague_orders"],
            )
        except actions.CompanyActionRefused as exc:
            form.add_error("email", exc.message)
        else:
            messages.success(request, f"Invito inviato a {form.cleaned_data['email']}.")
            return redirect(HOME)
    return _render_home(request, membership, invite_form=form, status=400)


@require_POST
@login_required
def revoke_invitation(request, pk):
    membership = _admin_membership(request)
    invitation = pending_invitations(membership.company).filter(pk=pk).first()
    if invitation is None:
        raise Http404("Invito non trovato")
    actions.revoke_invitation(invitation=invitation, actor=request.user)
    messages.success(request, f"Invito a {invitation.email} annullato.")
    return redirect(HOME)


@require_POST
@login_required
def change_member(request, pk):
    mine, member = _member_of_my_company(request, pk)
    if not mine.is_administrator:
        raise Http404("Membro non trovato")
    form = MemberForm(request.POST, prefix=f"membro-{member.pk}")
    if form.is_valid():
        try:
            actions.change_member(
                membership=member,
                actor=request.user,
                role=form.cleaned_data["role"],
                can_see_colleague_orders=form.cleaned_data["can_see_colleague_orders"],
            )
        except actions.CompanyActionRefused as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, f"Ruolo di {member.user.display_name} aggiornato.")
    else:
        messages.error(request, "Scegli un ruolo valido.")
    return redirect(HOME)


@require_http_methods(["GET", "POST"])
@login_required
def remove_member(request, pk):
    """ "Rimuovi": a page that says what removing means, then the removal (POST)."""
    mine, member = _member_of_my_company(request, pk)
    if not mine.is_administrator or member.is_administrator:
        raise Http404("Membro non trovato")
    if request.method == "GET":
        return render(request, "companies/remove_member.html", {"member": member})
    try:
        actions.remove_member(membership=member, actor=request.user)
    except actions.CompanyActionRefused as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request,
            f"{member.user.display_name} non fa più parte dell'account aziendale; "
            "i suoi ordini restano all'azienda.",
        )
    return redirect(HOME)


@require_POST
@login_required
def leave(request):
    membership = membership_of(request.user)
    if membership is None:
        raise Http404("Account aziendale non trovato")
    try:
        actions.remove_member(membership=membership, actor=request.user)
    except actions.CompanyActionRefused as exc:
        messages.error(request, exc.message)
        return redirect(HOME)
    messages.success(request, f"Sei uscito dall'account aziendale «{membership.company.name}».")
    return redirect("accounts:home")


@require_POST
@login_required
def transfer(request):
    membership = _admin_membership(request)
    members = list(members_of(membership.company))
    form = TransferForm(request.POST, members=members)
    if not form.is_valid():
        return _render_home(request, membership, transfer_form=form, status=400)
    target = next(m for m in members if m.pk == form.cleaned_data["member"])
    try:
        actions.transfer_administrator(company=membership.company, actor=request.user, to=target)
    except actions.CompanyActionRefused as exc:
        form.add_error("member", exc.message)
        return _render_home(request, membership, transfer_form=form, status=400)
    messages.success(request, f"{target.user.display_name} è ora l'amministratore.")
    return redirect(HOME)


@require_http_methods(["GET", "POST"])
def invitation(request, token):
    """The page an invitation e-mail links to: log in (or sign up) with the invited address,
    then accept."""
    found = invitation_for_token(token)
    if found is None:
        raise Http404("Invito non trovato")
    problem = ""
    if found.accepted_at is not None:
        problem = "Questo invito è già stato accettato."
    elif found.revoked_at is not None:
        problem = "Questo invito è stato annullato o sostituito da uno più recente."
    elif found.expires_at <= timezone.now():
        problem = "Questo invito è scaduto: chiedi all'amministratore di inviartene uno nuovo."
    if request.method == "POST" and not problem and request.user.is_authenticated:
        try:
            actions.accept_invitation(token=token, user=request.user)
        except actions.CompanyActionRefused as exc:
            problem = exc.message
        else:
            # A member buys for the company: its prices are net + VAT from now on.
            remember_buyer_kind(request, COMPANY, from_billing=True)
            messages.success(request, f"Benvenuto nell'account aziendale «{found.company.name}».")
            return redirect(HOME)
    wrong_address = (
        request.user.is_authenticated and request.user.email.lower() != found.email.lower()
    )
    here = reverse("companies:invitation", kwargs={"token": token})
    return render(
        request,
        "companies/invitation.html",
        {
            "invitation": found,
            "problem": problem,
            "wrong_address": wrong_address,
            "next_url": here,
        },
        status=400 if request.method == "POST" else 200,
    )
