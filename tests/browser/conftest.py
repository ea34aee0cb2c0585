"""Browser tests: Playwright's sync API drives Debian's Chromium against `live_server`.

Every test in this folder is marked `browser` (`pytest -m "not browser"` leaves them out)
and the whole folder is skipped, with the reason, when Chromium is not installed.
Playwright never downloads a browser here: it launches `/usr/bin/chromium`
(`CHROMIUM_PATH` overrides it).

Fixtures: `browser` (one Chromium for the folder), `page` (a fresh French-speaking context
per test), `csp_violations` (the page's console messages reporting a Content Security
Policy violation), `axe_check` (axe-core on the current page) and `sign_in` (through the
real sign-in form).
"""

import os
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
ASYNC_UNSAFE = "DJANGO_ALLOW_ASYNC_UNSAFE"
CHROMIUM_PATH = os.environ.get("CHROMIUM_PATH") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
TIMEOUT_MS = 15_000


def chromium_missing_reason() -> str | None:
    """Why the browser tests cannot run, or None when they can."""
    if Path(CHROMIUM_PATH).is_file() and os.access(CHROMIUM_PATH, os.X_OK):
        return None
    return f"Chromium not found at {CHROMIUM_PATH}: install Debian's chromium package (CI does)"


def pytest_collection_modifyitems(config, items):
    # This hook sees the whole session's items, not only this folder's.
    reason = chromium_missing_reason()
    for item in items:
        if HERE not in item.path.parents:
            continue
        item.add_marker(pytest.mark.browser)
        if reason:
            item.add_marker(pytest.mark.skip(reason=reason))


@pytest.fixture(scope="package", autouse=True)
def _allow_async_unsafe():
    """Playwright's sync API runs an event loop in the test thread, so Django's ORM in
    the same thread (factories, the database flush around each test) would raise
    `SynchronousOnlyOperation`. Allowing it is the documented way out for tests; it is
    set while this folder's tests run rather than when this file is imported, which
    would switch the protection off for the whole session and leak the variable into
    the subprocesses other tests start (`check --deploy` then fails with async.E001)."""
    previous = os.environ.get(ASYNC_UNSAFE)
    os.environ[ASYNC_UNSAFE] = "true"
    yield
    if previous is None:
        del os.environ[ASYNC_UNSAFE]
    else:
        os.environ[ASYNC_UNSAFE] = previous


@pytest.fixture(scope="package")
def browser(_allow_async_unsafe):
    """One headless Chromium for this folder's tests, closed when they are done (its
    event loop stops with it)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=CHROMIUM_PATH, headless=True, args=CHROMIUM_ARGS
        )
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser):
    """A page in a fresh context (no cookies) of a French-speaking browser."""
    context = browser.new_context(locale="fr-FR")
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def csp_violations(page):
    """The console messages of `page` that report a Content Security Policy violation,
    collected while the test runs. Assert it is empty after visiting the pages."""
    messages = []

    def record(message):
        if "Content Security Policy" in message.text:
            where = message.location.get("url") or page.url
            messages.append(f"{where}: {message.text}")

    page.on("console", record)
    return messages


def axe_violations_report(violations: list[dict]) -> str:
    """axe-core's violations as a readable list: rule, impact, help, then each node."""
    lines = []
    for violation in violations:
        lines.append(
            f"- {violation['id']} ({violation['impact']}): {violation['help']}"
            f" <{violation['helpUrl']}>"
        )
        for node in violation["nodes"]:
            target = " ".join(str(part) for part in node["target"])
            lines.append(f"    {target}")
            summary = node.get("failureSummary")
            if summary:
                lines.extend(f"      {line}" for line in summary.splitlines())
    return "\n".join(lines)


@pytest.fixture(scope="session")
def axe():
    from axe_playwright_python.sync_playwright import Axe

    # axe-core's script ships inside the package: no network needed.
    return Axe()


@pytest.fixture
def axe_check(axe):
    """`axe_check(page)` runs axe-core on the page as it is now and fails with the list
    of violations (rule, impact, help, offending nodes) if there are any."""

    def check(page):
        results = axe.run(page)
        violations = results.response["violations"]
        if violations:
            pytest.fail(
                f"axe-core found {len(violations)} accessibility violation(s) on "
                f"{page.url}:\n{axe_violations_report(violations)}",
                pytrace=False,
            )

    return check


@pytest.fixture
def sign_in(page, live_server):
    """`sign_in(email)` signs in through the site's sign-in form, as a person would, and
    waits for the page it lands on. `sign_in(email, path=...)` starts from `path`, which
    redirects to the form."""
    from tests.factories import PASSWORD

    def submit(email: str, *, path: str = "/connexion/") -> None:
        page.goto(live_server.url + path)
        page.locator("input[name=username]").fill(email)
        page.locator("input[name=password]").fill(PASSWORD)
        with page.expect_navigation():
            page.locator("main form button[type=submit]").click()

    return submit
