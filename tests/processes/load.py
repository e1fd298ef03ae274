"""Users driving the portal over HTTP, each in its own thread, as in a browser: read the list of
sent invoices, open the entry form, send an invoice (« Valider et envoyer »), again until told to
stop."""

import re
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from types import SimpleNamespace

import requests

from tests.invoices.test_views_supplier import entry_data
from tests.processes.servers import PASSWORD, wait_until

SENT = re.compile(r"/factures-emises/(\d+)/$")


@dataclass
class Results:
    statuses: Counter = field(default_factory=Counter)
    # (seconds since the load started, method, path, status or exception name) of each failure.
    failures: list = field(default_factory=list)
    sent: list = field(default_factory=list)  # the ids of the invoices whose sending was answered
    lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def requests(self) -> int:
        return sum(self.statuses.values())

    def summary(self) -> str:
        statuses = ", ".join(f"{status}: {count}" for status, count in sorted(self.statuses.items(), key=str))
        return f"{self.requests} requests ({statuses}), {self.server_errors()} × 5xx, {len(self.sent)} sent"

    def server_errors(self, start: float = 0, end: float = float("inf")) -> int:
        return sum(1 for at, *_rest, status in self.failures if start <= at <= end and status != 429)


def client() -> requests.Session:
    """A browser behind the proxy: every node is asked for one host name (whatever its port), on
    which allauth keys its per-account counters."""
    session = requests.Session()
    session.headers["Host"] = "localhost"
    return session


def logged_in(session_key: str) -> requests.Session:
    """A client with a session cookie that tests/processes/seed.py made."""
    session = client()
    session.cookies.set("sessionid", session_key)
    return session


def csrf_token(session: requests.Session, url: str) -> str:
    session.get(url, timeout=60).raise_for_status()
    return session.cookies["csrftoken"]


def log_in(base_url: str, email: str, password: str = PASSWORD) -> tuple[requests.Session, requests.Response]:
    """A log-in over HTTP: the client, and the answer it may follow (second factor…)."""
    session = client()
    data = {
        "login": email,
        "password": password,
        "csrfmiddlewaretoken": csrf_token(session, f"{base_url}/accounts/login/"),
    }
    response = session.post(f"{base_url}/accounts/login/", data=data, allow_redirects=False, timeout=30)
    return session, response


class Load:
    """Logged-in suppliers sending invoices to `recipient` (a SIRET) until the block ends."""

    def __init__(self, base_url: str, sessions: list[requests.Session], recipient: str, label: str):
        self.base_url = base_url
        self.label = label  # in the invoice numbers, unique to each load on one database
        self.sessions = sessions
        self.recipient = SimpleNamespace(identifier=recipient)
        self.results = Results()
        self._stop = threading.Event()
        self._threads = []
        self.started = None

    def __enter__(self):
        self.started = time.monotonic()
        for n, session in enumerate(self.sessions):
            thread = threading.Thread(target=self._user, args=(n, session), daemon=True)
            thread.start()
            self._threads.append(thread)
        return self

    def __exit__(self, *_exc):
        self._stop.set()
        for thread in self._threads:
            thread.join(60)

    def sent_at_least(self, count: int, within: float) -> bool:
        return bool(wait_until(lambda: len(self.results.sent) >= count, within, 0.1))

    def now(self) -> float:
        return time.monotonic() - self.started

    def _request(self, session, method, path, **kwargs):
        try:
            response = session.request(method, f"{self.base_url}{path}", timeout=60, allow_redirects=False,
                                       **kwargs)  # fmt: skip
            status = response.status_code
        except requests.RequestException as error:
            response, status = None, type(error).__name__
        at = self.now()  # when it was answered
        with self.results.lock:
            self.results.statuses[status] += 1
            if not isinstance(status, int) or status >= 500 or status == 429:
                self.results.failures.append((at, method, path, status))
        return response

    def _user(self, n: int, session: requests.Session):
        count = 0
        while not self._stop.is_set():
            # Two pages read for one invoice sent, as a user does.
            self._request(session, "GET", "/factures-emises/")
            self._request(session, "GET", "/factures-emises/saisir/")
            count += 1
            data = entry_data(self.recipient, number=f"{self.label}{n:02d}-{count:05d}")
            data["csrfmiddlewaretoken"] = session.cookies.get("csrftoken", "")
            response = self._request(session, "POST", "/factures-emises/saisir/", data=data)
            sent = response is not None and SENT.search(response.headers.get("Location", ""))
            if sent:
                with self.results.lock:
                    self.results.sent.append(int(sent.group(1)))


def unrouted(database, invoice_ids: list[int]) -> list[tuple]:
    """(id, status) of those invoices that are not yet at the recipient's (Mise à disposition)."""
    return database.query(
        "select id, status from invoices_invoice where id = any(%s) and status != 'MISE_A_DISPOSITION'",
        invoice_ids,
    )


def unnotified(database, invoice_ids: list[int]) -> list[tuple]:
    """(invoice id, change id) of their arrivals at the recipient's that notified nobody."""
    return database.query(
        "select c.invoice_id, c.id from invoices_invoicestatuschange c where c.invoice_id = any(%s) "
        "and c.to_status = 'MISE_A_DISPOSITION' "
        "and not exists (select 1 from invoices_notification n where n.change_id = c.id)",
        invoice_ids,
    )
