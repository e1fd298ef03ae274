"""What the browser journeys share."""

from functools import cache

# axe-core's impacts that fail a page (RGAA / WCAG 2.1 AA); moderate and minor are reported only.
FAILING_IMPACTS = ("serious", "critical")


@cache
def _axe():
    from axe_playwright_python.sync_playwright import Axe

    return Axe()


def accessibility_violations(page) -> list[str]:
    """The serious and critical axe-core violations of the page as it is now, one line each."""
    results = _axe().run(
        page, options={"runOnly": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]}
    )
    return [
        f"{page.url}: {violation['id']} ({violation['impact']}) — {violation['help']} — "
        f"{', '.join(str(node['target']) for node in violation['nodes'][:3])}"
        for violation in results.response["violations"]
        if violation["impact"] in FAILING_IMPACTS
    ]


# The password every UserFactory user has.
PASSWORD = "Motdepasse-Solide-1"


def log_in(page, email, password=PASSWORD):
    page.context.clear_cookies()
    page.goto("/accounts/login/")
    page.fill("input[name=login]", email)
    page.fill("input[name=password]", password)
    # Enter in the password field: the first button of the page is the language switch.
    page.locator("input[name=password]").press("Enter")
    page.wait_for_selector("[data-testid=connected-user]")
