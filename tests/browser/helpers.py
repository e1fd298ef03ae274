"""What the browser journeys share."""

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
