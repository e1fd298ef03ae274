from structures import selectors

SESSION_KEY = "current_structure_id"


class CurrentStructureMiddleware:
    """Sets request.current_membership / current_structure from the session (house style §D).

    The structure is chosen explicitly with the header's switcher; a structure id sent with
    any other form is never trusted.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.current_membership = None
        request.current_structure = None
        request.user_memberships = []
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            memberships = selectors.header_memberships(user)
            request.user_memberships = memberships
            wanted = request.session.get(SESSION_KEY)
            chosen = next((m for m in memberships if m.structure_id == wanted), None)
            if chosen is None and memberships:
                chosen = memberships[0]
                request.session[SESSION_KEY] = chosen.structure_id
            if chosen is not None:
                request.current_membership = chosen
                request.current_structure = chosen.structure
        return self.get_response(request)
