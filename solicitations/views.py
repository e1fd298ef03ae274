"""The three desks of sollicitations — Sollicitations émises (the requester), Sollicitations
reçues (the addressee structure's services) and the support — share one set of thin views,
told apart by the desk named in the URL; the public form for people who cannot log in."""

from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from annuaire import selectors as annuaire_selectors
from choruspro.forms import object_id
from solicitations import permissions, selectors, services, workflow
from solicitations.enums import Addressee, Side
from solicitations.exceptions import AttachmentRefused, SolicitationError, SolicitationNotFound
from solicitations.forms import ActionForm, PublicSolicitationForm, SearchForm, SolicitationForm
from structures.enums import Space, SubscriptionMode
from structures.permissions import member_space_mode


@dataclass(frozen=True)
class Desk:
    name: str
    side: str
    title: object
    space: str | None

    @property
    def is_requester(self) -> bool:
        return self.side == Side.REQUESTER

    @property
    def is_support(self) -> bool:
        return self.side == Side.SUPPORT

    def url(self, view: str, *args) -> str:
        return reverse(f"solicitations:{self.name}_{view}", args=args)


DESKS = {
    "sent": Desk("sent", Side.REQUESTER, gettext_lazy("Sollicitations émises"), Space.SOLLICITATIONS_EMISES),
    "received": Desk(
        "received", Side.SERVICE, gettext_lazy("Sollicitations reçues"), Space.SOLLICITATIONS_RECUES
    ),
    "support": Desk("support", Side.SUPPORT, gettext_lazy("Support"), None),
}


def _open(request, desk_name: str) -> Desk:
    """The desk, if the user may use it for the current structure, else 404; sets whether they
    may write there."""
    desk = DESKS[desk_name]
    if desk.side == Side.SUPPORT:
        if not selectors.is_support_agent(request.user):
            raise Http404
        request.can_write = True
        return desk
    membership = request.current_membership
    mode = member_space_mode(membership, desk.space) if membership is not None else None
    if mode is None or (desk.side == Side.SERVICE and not request.current_structure.is_public):
        raise Http404
    request.can_write = mode == SubscriptionMode.MODIFICATION and request.current_structure.is_active
    return desk


def _scope(request, desk: Desk):
    if desk.side == Side.REQUESTER:
        return selectors.sent_by(request.current_structure)
    if desk.side == Side.SERVICE:
        return selectors.received_by(request.current_structure, request.user, request.current_membership)
    return selectors.for_support()


def _menu(request, desk: Desk) -> list[dict]:
    entries = [("home", _("Synthèse")), ("search", _("Rechercher"))]
    if desk.side == Side.REQUESTER and request.can_write:
        entries.append(("create", _("Saisir sollicitation")))
    return [
        {"label": label, "url": desk.url(view), "name": f"solicitations:{desk.name}_{view}"}
        for view, label in entries
    ]


def _render(request, desk: Desk, template: str, context: dict, status=200):
    context = {
        "desk": desk,
        "space_title": desk.title,
        "space_menu_items": _menu(request, desk),
        "can_write": request.can_write,
        **context,
    }
    return render(request, template, context, status=status)


def _attempt(form, call, *, not_found_field=None):
    """Runs one service call; its refusals go next to the field they concern (the files, the
    invoice) or at the top of the form. Returns the call's result, or None when refused."""
    try:
        return call()
    except AttachmentRefused as error:
        for name, problem in error.errors.items():
            form.add_error("attachments", f"{name} : {problem}")
    except SolicitationNotFound as error:
        form.add_error(not_found_field, str(error))
    except SolicitationError as error:
        form.add_error(None, str(error))
    return None


def _page(request, queryset):
    page = Paginator(queryset, 20).get_page(request.GET.get("page"))
    return page


@login_required
def home(request, desk):
    desk = _open(request, desk)
    scope = _scope(request, desk)
    if desk.side == Side.REQUESTER:
        to_handle = scope.filter(status__in=workflow.REQUESTER_ACTIONS)
        drafts = scope.filter(status=workflow.INITIAL)
    else:
        if desk.side == Side.SUPPORT:
            scope = selectors.with_support()
        to_handle = scope.filter(status__in=workflow.ADDRESSEE_TO_HANDLE)
        drafts = None
    return _render(
        request,
        desk,
        "solicitations/home.html",
        {
            "page_obj": _page(request, to_handle.order_by("status_changed_at", "pk")),
            "drafts": drafts,
            "notices": selectors.unread_notifications(request.user)[:20],
        },
    )


@login_required
def search(request, desk):
    desk = _open(request, desk)
    form = SearchForm(request.GET or None)
    queryset = _scope(request, desk)
    if form.is_bound and form.is_valid():
        queryset = selectors.search(queryset, form.cleaned_data)
    return _render(
        request, desk, "solicitations/search.html", {"form": form, "page_obj": _page(request, queryset)}
    )


def _solicitation(request, desk, solicitation_id):
    return get_object_or_404(_scope(request, desk), pk=solicitation_id)


def _abilities(request, desk, solicitation) -> dict:
    # The support reads every sollicitation but acts only on those in its hands.
    write = request.can_write and (desk.side != Side.SUPPORT or solicitation.addressee == Addressee.SUPPORT)
    return permissions.solicitation_abilities(solicitation, desk.side, write=write)


def _detail_context(solicitation, abilities, forms=None) -> dict:
    exchanges = list(
        solicitation.exchanges.select_related("actor", "structure").prefetch_related("attachments")
    )
    forms = forms or {}
    return {
        "solicitation": solicitation,
        "exchanges": exchanges,
        "attachments": list(solicitation.attachments.all()),
        "abilities": abilities,
        "action_forms": [
            (t, forms.get(t.name) or ActionForm(transition=t, prefix=t.name))
            for t in abilities["transitions"]
        ],
        "reassign_form": forms.get("reassign")
        or ActionForm(transition=workflow.get("reassign"), prefix="reassign"),
    }


@login_required
def detail(request, desk, solicitation_id):
    desk = _open(request, desk)
    solicitation = _solicitation(request, desk, solicitation_id)
    services.mark_notifications_read(user=request.user, solicitation=solicitation)
    context = _detail_context(solicitation, _abilities(request, desk, solicitation))
    return _render(request, desk, "solicitations/detail.html", context)


@require_POST
@login_required
def act(request, desk, solicitation_id, action):
    desk = _open(request, desk)
    solicitation = _solicitation(request, desk, solicitation_id)
    abilities = _abilities(request, desk, solicitation)
    allowed = {t.name: t for t in abilities["transitions"]}
    if abilities["reassign"]:
        allowed["reassign"] = workflow.get("reassign")
    if action not in allowed:
        messages.error(request, workflow.refusal())
        return redirect(desk.url("detail", solicitation.pk))
    form = ActionForm(request.POST, request.FILES, transition=allowed[action], prefix=action)
    if form.is_valid() and _attempt(
        form,
        lambda: services.act_on_solicitation(
            actor=request.user,
            side=desk.side,
            structure=request.current_structure if desk.side != Side.SUPPORT else None,
            membership=request.current_membership if desk.side != Side.SUPPORT else None,
            solicitation_id=solicitation.pk,
            action=action,
            message=form.cleaned_data["message"],
            files=form.cleaned_data["attachments"] or (),
            service=form.cleaned_data["service"],
        ),
    ):
        messages.success(request, _("C'est fait : l'autre partie en est avertie."))
        return redirect(desk.url("detail", solicitation.pk))
    context = _detail_context(solicitation, abilities, {action: form})
    context["open_action"] = action
    return _render(request, desk, "solicitations/detail.html", context, status=422)


@login_required
def download(request, desk, solicitation_id, attachment_id):
    desk = _open(request, desk)
    solicitation = _solicitation(request, desk, solicitation_id)
    attachment = get_object_or_404(solicitation.attachments, pk=attachment_id)
    return FileResponse(attachment.file.open("rb"), as_attachment=True, filename=attachment.name)


@require_POST
@login_required
def notifications_read(request):
    services.mark_notifications_read(user=request.user)
    return redirect("invoices:notifications")


# --- The support's reassignment picker (htmx) ------------------------------------------------------

SUGGESTIONS = 10


@permissions.support_required
def support_structures(request):
    """Public structures whose name or SIRET matches what the operator types (the annuaire's
    search: accent-insensitive, indexed); each offered with its services."""
    query = request.GET.get("reassign-q", "").strip()
    structures = annuaire_selectors.search_public_structures(query=query)[:SUGGESTIONS] if query else []
    return render(
        request,
        "solicitations/includes/structure_suggestions.html",
        {"structures": structures, "query": query},
    )


@permissions.support_required
def support_services(request):
    structure = get_object_or_404(
        annuaire_selectors.public_structures(), pk=object_id(request.GET.get("reassign-structure")) or 0
    )
    return render(
        request,
        "solicitations/includes/structure_services.html",
        {"structure": structure, "services": annuaire_selectors.active_services_of(structure)},
    )


# --- Saisir sollicitation (the requester) ---------------------------------------------------------


def _form_data(form) -> dict:
    return {
        "subcategory": form.cleaned_data["subcategory"],
        "subject": form.cleaned_data["subject"],
        "message": form.cleaned_data["message"],
        "invoice": form.cleaned_data["invoice"],
        "requester_service": form.cleaned_data["requester_service"],
    }


def _edit(request, solicitation=None):
    desk = _open(request, "sent")
    if not request.can_write:
        raise Http404
    invoices = selectors.linkable_invoices(
        request.current_structure, request.user, request.current_membership
    )
    requester_services, service_required = selectors.requester_services(
        request.current_structure, request.user, request.current_membership
    )
    initial = {}
    if solicitation is not None:
        fields = ("subcategory", "subject", "message", "invoice", "requester_service")
        initial = {f: getattr(solicitation, f) for f in fields}
    elif invoice_id := object_id(request.GET.get("facture")):
        # « Poser une question sur cette facture »: an invoice of another structure is simply not offered.
        invoice = invoices.filter(pk=invoice_id).first()
        if invoice is None:
            raise Http404
        initial = {
            "invoice": invoice,
            "subcategory": selectors.active_subcategories().filter(code="FACTURE_EN_ATTENTE").first(),
        }
    if service_required and len(requester_services) == 1:
        initial.setdefault("requester_service", requester_services[0])
    form = SolicitationForm(
        request.POST or None,
        request.FILES or None,
        invoices=invoices,
        requester_services=requester_services,
        service_required=service_required,
        initial=initial,
    )
    saved = None
    if request.method == "POST" and form.is_valid():
        saved = _attempt(
            form,
            lambda: services.save_solicitation(
                actor=request.user,
                structure=request.current_structure,
                membership=request.current_membership,
                data=_form_data(form),
                files=form.cleaned_data["attachments"] or (),
                solicitation_id=solicitation.pk if solicitation else None,
                send="send" in request.POST,
            ),
            not_found_field="invoice",
        )
    if saved is not None:
        if "send" in request.POST:
            messages.success(request, _("Sollicitation %(number)s envoyée.") % {"number": saved.number})
        else:
            messages.success(request, _("Brouillon %(number)s enregistré.") % {"number": saved.number})
        return redirect(desk.url("detail", saved.pk))
    status = 422 if request.method == "POST" else 200
    return _render(
        request, desk, "solicitations/edit.html", {"form": form, "solicitation": solicitation}, status
    )


@login_required
def create(request):
    return _edit(request)


@login_required
def edit(request, solicitation_id):
    _open(request, "sent")
    solicitation = get_object_or_404(
        selectors.sent_by(request.current_structure).filter(status=workflow.INITIAL), pk=solicitation_id
    )
    return _edit(request, solicitation)


# --- People who cannot log in -----------------------------------------------------------------------


def public_create(request):
    form = PublicSolicitationForm(request.POST or None, request.FILES or None)
    solicitation = None
    if request.method == "POST" and form.is_valid():
        solicitation = _attempt(
            form,
            lambda: services.create_public_solicitation(
                email=form.cleaned_data["email"],
                subcategory=form.cleaned_data["subcategory"],
                subject=form.cleaned_data["subject"],
                message=form.cleaned_data["message"],
                files=form.cleaned_data["attachments"] or (),
            ),
        )
    if solicitation is not None:
        return render(request, "solicitations/public_sent.html", {"solicitation": solicitation})
    return render(
        request, "solicitations/public_form.html", {"form": form}, status=422 if form.errors else 200
    )


def _public(token):
    try:
        solicitation_id, email = services.read_public_token(token)
    except SolicitationNotFound as exc:
        raise Http404 from exc
    return get_object_or_404(selectors.of_public_requester(email), pk=solicitation_id)


def public_follow(request, token):
    solicitation = _public(token)
    abilities = permissions.solicitation_abilities(solicitation, Side.REQUESTER, write=True)
    forms = {}
    if request.method == "POST":
        action = request.POST.get("action", "")
        allowed = {t.name: t for t in abilities["transitions"]}
        if action in allowed:
            form = ActionForm(request.POST, request.FILES, transition=allowed[action], prefix=action)
            forms[action] = form
            if form.is_valid() and _attempt(
                form,
                lambda: services.act_as_public_requester(
                    token=token,
                    action=action,
                    message=form.cleaned_data["message"],
                    files=form.cleaned_data["attachments"] or (),
                ),
            ):
                messages.success(request, _("C'est fait : le support en est averti."))
                return redirect("solicitations:public_follow", token=token)
        else:
            messages.error(request, workflow.refusal())
    context = _detail_context(solicitation, abilities, forms)
    context.update(token=token, public=True)
    return render(request, "solicitations/public_follow.html", context, status=422 if forms else 200)


def public_download(request, token, attachment_id):
    solicitation = _public(token)
    attachment = get_object_or_404(solicitation.attachments, pk=attachment_id)
    return FileResponse(attachment.file.open("rb"), as_attachment=True, filename=attachment.name)
