"""Factures de travaux: thin views over the works services, scoped to the current structure."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from choruspro.forms import object_id
from structures.enums import Space
from structures.permissions import space_required
from works import permissions, selectors, services, workflow
from works.enums import PartyRole
from works.exceptions import WorksError
from works.forms import ContractForm, PieceForm, RefusalForm

travaux_required = space_required(Space.FACTURES_TRAVAUX)
ROLE_LISTS = (PartyRole.TITULAIRE, PartyRole.MOE, PartyRole.MOA)


def _can_write(request) -> bool:
    return permissions.can_write(request.user, request.current_structure, request.current_membership)


def _render(request, template, context, status=200):
    menu = [
        ("works:home", _("À traiter")),
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
        {"role": PartyRole(role), "dossiers": list(selectors.to_handle(structure, role)[:50])}
        for role in ROLE_LISTS
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
    contract = _contract(request, contract_id)
    return _contract_page(request, contract, PieceForm())


def _contract_page(request, contract, form, status=200):
    roles = selectors.roles_in(contract, request.current_structure)
    can_deposit = _can_write(request) and PartyRole.TITULAIRE in roles
    return _render(
        request,
        "works/contract.html",
        {
            "contract": contract,
            "roles": [PartyRole(role).label for role in sorted(roles)],
            "dossiers": contract.dossiers.order_by("-number"),
            "form": form if can_deposit else None,
            # A refused deposit the page does not offer (another role's): its message on top.
            "stray_errors": [] if can_deposit else form.non_field_errors(),
        },
        status=status,
    )


@travaux_required
@require_POST
def deposit_projet(request, contract_id):
    contract = _contract(request, contract_id)
    form = PieceForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            dossier = services.deposit_projet(
                actor=request.user,
                structure=request.current_structure,
                contract_id=contract.pk,
                data=form.cleaned_data,
                upload=form.cleaned_data["file"],
                membership=request.current_membership,
            )
        except WorksError as error:
            form.add_error(None, str(error))
        else:
            messages.success(
                request, _("Le projet de décompte mensuel est mis à disposition de la maîtrise d'œuvre.")
            )
            return redirect("works:dossier", dossier.pk)
    return _contract_page(request, contract, form, status=400)


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
    roles = selectors.roles_in(dossier.contract, request.current_structure)
    abilities = permissions.dossier_abilities(dossier, roles, write=_can_write(request))
    pieces = list(selectors.pieces_of(dossier))
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
        (t, forms.get(t.name) or RefusalForm(initial={"expected_status": dossier.status}))
        for t in abilities["refusals"]
    ]
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
            "open_action": next(iter(forms), None),
            # A refused action the page does not offer (another role's): its message on top.
            "stray_errors": [
                error
                for name, form in forms.items()
                if name not in {t.name for t in abilities["deposits"] + abilities["refusals"]}
                for error in form.non_field_errors()
            ],
            "amount_is_no_motif": workflow.AMOUNT_IS_NO_MOTIF,
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
    if transition.cadre:
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
