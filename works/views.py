"""Factures de travaux: thin views over the works services, scoped to the current structure."""

import csv

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from choruspro.forms import object_id
from structures.enums import Space
from structures.permissions import space_required
from works import permissions, selectors, services, workflow
from works.enums import PartyRole
from works.exceptions import WorksError
from works.forms import ContractForm, DecisionForm, PieceForm, RefusalForm, SearchForm

travaux_required = space_required(Space.FACTURES_TRAVAUX)


def _can_write(request) -> bool:
    return permissions.can_write(request.user, request.current_structure, request.current_membership)


def _render(request, template, context, status=200):
    menu = [
        ("works:home", _("À traiter")),
        ("works:search", _("Rechercher")),
        ("works:contracts", _("Marchés")),
    ]
    if _can_write(request):
        menu.append(("works:contract_create", _("Déclarer un marché")))
    context = {
        "space_title": _("Factures de travaux"),
        "space_menu_items": [{"label": label, "url": reverse(name), "name": name} for name, label in menu],
        "can_write": _can_write(request),
        **context,
    }
    return render(request, template, context, status=status)


@travaux_required
def home(request):
    structure = request.current_structure
    lists = [
        {"role": workflow.ROLE_LABELS[role], "dossiers": list(selectors.to_handle(structure, role)[:50])}
        for role in workflow.HANDLING_ROLES
    ]
    return _render(
        request,
        "works/home.html",
        {
            "lists": [entry for entry in lists if entry["dossiers"]],
            "notices": selectors.unread_notifications(request.user)[:20],
        },
    )


@travaux_required
def contracts(request):
    page = Paginator(selectors.contracts_of(request.current_structure), 20).get_page(request.GET.get("page"))
    return _render(request, "works/contracts.html", {"page_obj": page})


@travaux_required
def contract_create(request):
    if not _can_write(request):
        raise Http404
    form = ContractForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            contract = services.declare_contract(
                actor=request.user,
                structure=request.current_structure,
                data=form.cleaned_data,
                membership=request.current_membership,
            )
        except WorksError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Le marché %(number)s est déclaré.") % {"number": contract.number})
            return redirect("works:contract", contract.pk)
    return _render(request, "works/contract_form.html", {"form": form}, status=400 if form.errors else 200)


def _contract(request, contract_id):
    contract = selectors.contracts_of(request.current_structure).filter(pk=contract_id).first()
    if contract is None:
        raise Http404
    return contract


@travaux_required
def contract(request, contract_id):
    return _contract_page(request, _contract(request, contract_id))


def _contract_page(request, contract, forms=None, status=200):
    roles = selectors.roles_in(contract, request.current_structure)
    abilities = permissions.contract_abilities(contract, roles, write=_can_write(request))
    forms = forms or {}
    offered = {t.name for t in abilities["initial_deposits"]}
    return _render(
        request,
        "works/contract.html",
        {
            "contract": contract,
            "roles": [PartyRole(role).label for role in sorted(roles)],
            "dossiers": contract.dossiers.order_by("-number"),
            "deposit_forms": [(t, forms.get(t.name) or PieceForm()) for t in abilities["initial_deposits"]],
            "open_action": next(iter(forms), None),
            # A refused deposit the page does not offer (another role's): its message on top.
            "stray_errors": [
                error
                for name, form in forms.items()
                if name not in offered
                for error in form.non_field_errors()
            ],
        },
        status=status,
    )


@travaux_required
@require_POST
def deposit_initial(request, contract_id, action):
    contract = _contract(request, contract_id)
    transition = workflow.BY_NAME.get(action)
    if transition is None or transition not in workflow.INITIAL:
        raise Http404
    form = PieceForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            dossier = services.deposit_initial(
                actor=request.user,
                structure=request.current_structure,
                contract_id=contract.pk,
                action=action,
                data=form.cleaned_data,
                upload=form.cleaned_data["file"],
                membership=request.current_membership,
            )
        except WorksError as error:
            form.add_error(None, str(error))
        else:
            messages.success(
                request,
                _("Pièce déposée : %(label)s. Statut du dossier : %(status)s.")
                % {"label": transition.label, "status": dossier.get_status_display()},
            )
            return redirect("works:dossier", dossier.pk)
    return _contract_page(request, contract, {action: form}, status=400)


def _dossier(request, dossier_id):
    dossier = selectors.dossiers_of(request.current_structure).filter(pk=dossier_id).first()
    if dossier is None:
        raise Http404
    return dossier


def _amounts(pieces) -> list[dict]:
    """Each piece's stated amount and its difference with the piece it follows."""
    rows, previous = [], None
    for piece in pieces:
        rows.append(
            {"piece": piece, "difference": None if previous is None else piece.amount_ht - previous.amount_ht}
        )
        previous = piece
    return rows


@travaux_required
def dossier(request, dossier_id, forms=None, status=200):
    dossier = _dossier(request, dossier_id)
    roles = selectors.roles_on(dossier, request.current_structure)
    abilities = permissions.dossier_abilities(dossier, roles, write=_can_write(request))
    pieces = list(selectors.pieces_of(dossier))
    rule = workflow.deadline_rule(dossier.kind, dossier.status)
    forms = forms or {}
    initial = {"previous_piece": pieces[-1].pk if pieces else None, "expected_status": dossier.status}
    deposit_forms = [
        (
            t,
            forms.get(t.name)
            or PieceForm(initial={**initial, "amount_ht": pieces[-1].amount_ht if pieces else None}),
        )
        for t in abilities["deposits"]
    ]
    refusal_forms = [
        (
            t,
            forms.get(t.name) or RefusalForm(initial={"expected_status": dossier.status}),
            workflow.AMOUNT_IS_NO_MOTIF if t.role == PartyRole.MOE else None,
        )
        for t in abilities["refusals"]
    ]
    decision_forms = [
        (t, forms.get(t.name) or DecisionForm(initial={"expected_status": dossier.status}))
        for t in abilities["decisions"]
    ]
    offered = {t.name for t in abilities["deposits"] + abilities["refusals"] + abilities["decisions"]}
    return _render(
        request,
        "works/dossier.html",
        {
            "dossier": dossier,
            "contract": dossier.contract,
            "amounts": _amounts(pieces),
            "events": selectors.events_of(dossier),
            "deposit_forms": deposit_forms,
            "refusal_forms": refusal_forms,
            "decision_forms": decision_forms,
            "open_action": next(iter(forms), None),
            # A refused action the page does not offer (another role's, too late): its message on top.
            "stray_errors": [
                error
                for name, form in forms.items()
                if name not in offered
                for error in form.non_field_errors()
            ],
            "acting_role": workflow.ROLE_LABELS[rule[1]] if rule else None,
            "validating": bool(rule) and rule[1] == workflow.VALIDATOR,
        },
        status=status,
    )


@travaux_required
@require_POST
def act(request, dossier_id, action):
    dossier_ = _dossier(request, dossier_id)
    transition = workflow.BY_NAME.get(action)
    if transition is None or transition.role == workflow.SYSTEM:
        raise Http404
    common = {
        "actor": request.user,
        "structure": request.current_structure,
        "dossier_id": dossier_.pk,
        "action": action,
        "membership": request.current_membership,
    }
    if not transition.cadre and not transition.needs_motif:
        form = DecisionForm(request.POST)
        call = lambda: services.validate_piece(  # noqa: E731
            **common, expected_status=form.cleaned_data["expected_status"] or None
        )
    elif transition.cadre:
        form = PieceForm(request.POST, request.FILES)
        call = lambda: services.deposit_next_piece(  # noqa: E731
            **common,
            previous_piece_id=form.cleaned_data["previous_piece"],
            data=form.cleaned_data,
            upload=form.cleaned_data["file"],
            expected_status=form.cleaned_data["expected_status"] or None,
        )
    else:
        form = RefusalForm(request.POST)
        call = lambda: services.refuse_dossier(  # noqa: E731
            **common,
            motif=form.cleaned_data["motif"],
            comment=form.cleaned_data["comment"],
            expected_status=form.cleaned_data["expected_status"] or None,
        )
    if form.is_valid():
        try:
            call()
        except WorksError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Action enregistrée : %(label)s.") % {"label": transition.label})
            return redirect("works:dossier", dossier_.pk)
    return dossier(request, dossier_id, forms={action: form}, status=400)


@travaux_required
def download(request, piece_id):
    piece = selectors.piece_of(request.current_structure, object_id(piece_id))
    if piece is None:
        raise Http404
    return FileResponse(piece.file.open("rb"), as_attachment=True, filename=piece.name)


CSV_COLUMNS = (
    _("Marché"),
    _("Objet du marché"),
    _("Dossier"),
    _("Nature du dossier"),
    _("Statut"),
    _("Date du statut"),
    _("Date limite"),
    _("Jours restants"),
)


@travaux_required
def search(request):
    form = SearchForm(request.GET or None)
    found = selectors.search(request.current_structure, **(form.cleaned_data if form.is_valid() else {}))
    if request.GET.get("format") == "csv":
        return _csv(found)
    page = Paginator(found, 20).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    query["format"] = "csv"
    return _render(
        request,
        "works/search.html",
        {"form": form, "page_obj": page, "csv_query": query.urlencode()},
        status=400 if form.errors else 200,
    )


def _csv(dossiers):
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="dossiers-de-facturation.csv"'
    response.write("\ufeff")
    writer = csv.writer(response, delimiter=";")
    writer.writerow([str(column) for column in CSV_COLUMNS])
    for dossier in dossiers.iterator(chunk_size=500):
        writer.writerow(
            [
                dossier.contract.number,
                dossier.contract.title,
                dossier.number,
                dossier.get_kind_display(),
                dossier.get_status_display(),
                timezone.localtime(dossier.status_changed_at).strftime("%d/%m/%Y %H:%M"),
                timezone.localtime(dossier.deadline).strftime("%d/%m/%Y %H:%M") if dossier.deadline else "",
                "" if dossier.days_left is None else dossier.days_left,
            ]
        )
    return response
