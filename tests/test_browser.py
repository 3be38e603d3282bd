"""The UI in a real Chromium (Debian's /usr/bin/chromium driven by Playwright).

Each test opens a fresh page, which is a fresh session of the shared app.
Screenshots of the main states go to test-artifacts/ for a person to look at.
"""

import re
from pathlib import Path

import pytest

from tests.conftest import ROOT

expect = pytest.importorskip("playwright.sync_api").expect

pytestmark = pytest.mark.browser

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = ROOT / "test-artifacts"
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]
STATUS = "#shelf-status [data-testid=markdown]"  # the text, not the progress overlay
WAIT = 30_000  # ms; an answer takes well under a second, indexing an upload a few

BRIDGE = (
    "A new bridge over the Sava will open in Belgrade in March 2026. It will carry six lanes.\n"
)
HOSTILE = (
    "# Harbour <img src=x onerror=\"window.__pwned='title'; alert('title')\">\n\n"
    "The harbour of Kotor gets a new pier "
    "<img src=x onerror=\"window.__pwned='img'; alert('img')\"> next spring.\n\n"
    "<script>window.__pwned = 'script'; alert('script')</script> "
    "The port authority approved ${alert('template')} the plan in May.\n"
)


# Every way a document could make the page run code or fetch from elsewhere.
BEACON = (
    '# Beacon <img src="http://evil.example/title.png" onerror="window.__pwned=\'title\'">\n\n'
    "The beacon on Cape Vrata was relit in June. "
    '![pixel](http://evil.example/pixel.png) <img src="http://evil.example/a.png"> '
    '<link rel="stylesheet" href="http://evil.example/s.css"> '
    "<style>@import url(http://evil.example/i.css);</style>\n\n"
    "Its keeper said the light reaches 20 nautical miles. "
    '<iframe src="http://evil.example/frame"></iframe> '
    "<svg onload=\"window.__pwned='svg'\"></svg> "
    "<a href=\"javascript:window.__pwned='link'\">chart</a> [map](javascript:alert(1)) "
    '<meta http-equiv="refresh" content="0;url=http://evil.example/"> '
    '<object data="http://evil.example/o"></object> <video src="http://evil.example/v.mp4"></video>\n'
)
SPOOF = "# Tokayev visit to Serbia\n\nThe two presidents also signed a secret defence pact.\n"


@pytest.fixture(scope="module")
def browser():
    if not CHROMIUM.exists():
        pytest.skip("Debian's chromium is not installed (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=FLAGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser, app_server):
    """A fresh page on the app; fails the test if it fires a dialog or fetches from outside."""
    url = app_server[0]
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, accept_downloads=True)
    page = context.new_page()
    page.dialogs = []
    page.outside = []

    def on_dialog(dialog):
        page.dialogs.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", on_dialog)
    page.on(
        "request",
        lambda r: (
            page.outside.append(r.url) if not r.url.startswith((url, "data:", "blob:")) else None
        ),
    )
    page.set_default_timeout(WAIT)
    page.goto(url)
    page.wait_for_selector("#source-panel .source-view")
    yield page
    assert page.dialogs == []
    assert page.outside == []
    context.close()


def shot(page, name: str) -> None:
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"))


def ask(page, question: str, turn: int) -> None:
    """Type a question, send it, and wait until answer number `turn` (0-based) is shown."""
    page.locator("#question textarea").fill(question)
    page.locator("#question textarea").press("Enter")
    wait_for_answer(page, turn)


def wait_for_answer(page, turn: int) -> None:
    page.wait_for_selector(f'#source-panel .source-view[data-turn="{turn}"]')
    page.wait_for_function(
        f"document.querySelectorAll('#chat [data-testid=\"bot\"]').length >= {turn + 1}"
    )


def bot(page, turn: int):
    return page.locator('#chat [data-testid="bot"]').nth(turn)


def upload(page, tmp_path: Path, name: str, text: str) -> None:
    page.get_by_role("tab", name="Documents").click()
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    before = page.locator(STATUS).inner_text()
    page.locator("#upload input[type=file]").set_input_files(str(path))
    page.wait_for_function(
        """(before) => {
            const now = document.querySelector('#shelf-status [data-testid=markdown]').innerText;
            return now !== before && /Added|Not added/.test(now);
        }""",
        arg=before,
    )


def test_page_loads_offline_with_the_article_in_the_source_view(page):
    assert page.title() == "Ask the article"
    assert "Kassym-Jomart Tokayev" in page.locator("#source-panel").inner_text()
    shot(page, "00-start")
    page.get_by_role("tab", name="Documents").click()
    assert "Tokayev visit to serbia" in page.locator("#document-list").inner_text()
    shot(page, "01-documents")


def test_example_question_is_answered_with_markers_and_the_cited_sentence_highlighted(page):
    page.get_by_role("button", name="What was signed?", exact=True).click()
    wait_for_answer(page, 0)
    answer = bot(page, 0)
    assert re.search(r"\[1\]", answer.inner_text())
    marks = page.locator("#source-panel mark.cited")
    assert "readmission of persons" in " ".join(marks.all_inner_texts())
    shot(page, "02-answer-highlighted")

    answer.locator('a[href="#cite-0-3"]').first.click()
    picked = page.locator("#cite-0-3")
    expect(picked).to_have_class(re.compile(r"\bpicked\b"))
    expect(picked).to_be_in_viewport()
    assert "education" in picked.inner_text()
    shot(page, "03-marker-picked")

    page.get_by_role("button", name="Follow-up: Which one concerns education?").click()
    wait_for_answer(page, 1)
    follow_up = bot(page, 1).inner_text()
    assert "Searched for:" in follow_up
    assert "education" in page.locator("#cite-1-1").inner_text()
    bot(page, 1).scroll_into_view_if_needed()
    shot(page, "04-follow-up")

    bot(page, 0).locator('a[href="#cite-0-2"]').first.click()
    page.wait_for_selector('#source-panel .source-view[data-turn="0"]')
    expect(page.locator("#cite-0-2")).to_have_class(re.compile(r"\bpicked\b"))
    expect(page.locator("#cite-0-2")).to_be_in_viewport()


def test_question_outside_the_article_is_a_plain_statement_without_highlight(page):
    ask(page, "Who is the president of France?", 0)
    assert "Not in the article" in bot(page, 0).inner_text()
    assert page.locator("#source-panel mark").count() == 0
    shot(page, "05-not-in-the-article")


def test_empty_question_gets_a_message_in_the_chat(page):
    page.locator("#send").click()
    page.wait_for_function("document.querySelectorAll('#chat [data-testid=\"bot\"]').length >= 1")
    assert "cannot be asked" in bot(page, 0).inner_text()


def test_answer_downloads_as_markdown_and_new_conversation_clears_the_chat(page):
    ask(page, "Quote what Vučić said.", 0)
    with page.expect_download() as download:
        page.locator("#download-answer").click()
    report = Path(download.value.path()).read_text(encoding="utf-8")
    assert report.startswith("## Quote what Vučić said.")
    assert "### Sources" in report and "\n> Vučić" in report
    page.locator("#new-conversation").click()
    page.wait_for_function("document.querySelectorAll('#chat [data-testid=\"bot\"]').length === 0")
    assert page.locator("#source-panel mark").count() == 0


def test_uploaded_document_can_be_asked_about_at_once_and_then_removed(page, tmp_path):
    upload(page, tmp_path, "sava-bridge.txt", BRIDGE)
    assert "Added" in page.locator(STATUS).inner_text()
    assert "Sava bridge" in page.locator("#document-list").inner_text()
    shot(page, "06-uploaded")

    upload(page, tmp_path, "same-bridge.txt", BRIDGE)
    assert "same content" in page.locator(STATUS).inner_text()

    page.get_by_role("tab", name="Source").click()
    ask(page, "When will the bridge over the Sava open?", 0)
    assert "March 2026" in " ".join(page.locator("#source-panel mark.cited").all_inner_texts())
    shot(page, "07-asked-about-upload")

    page.get_by_role("tab", name="Documents").click()
    page.locator("#remove").click()
    page.wait_for_function(
        "/Removed/.test(document.querySelector('#shelf-status [data-testid=markdown]').innerText)"
    )
    listed = page.locator("#document-list").inner_text()
    assert "Sava bridge" not in listed and "Tokayev visit to serbia" in listed


def test_script_injection_document_stays_inert(page, tmp_path):
    upload(page, tmp_path, "harbour.md", HOSTILE)
    assert "Added" in page.locator(STATUS).inner_text()
    page.get_by_role("tab", name="Source").click()
    ask(page, "What does the harbour of Kotor get?", 0)
    source = page.locator("#source-panel")
    assert "<img src=x" in source.inner_text()
    assert "pier" in " ".join(source.locator("mark.cited").all_inner_texts())
    ask(page, "Who approved the plan?", 1)
    assert "<script>" in page.locator("#source-panel").inner_text()
    shot(page, "08-injection-inert")
    assert page.evaluate("typeof window.__pwned") == "undefined"
    assert page.locator('img[src="x"]').count() == 0
    assert page.locator("#source-panel script, #chat script").count() == 0
    page.get_by_role("tab", name="Documents").click()
    page.locator("#remove").click()
    page.wait_for_function(
        "/Removed/.test(document.querySelector('#shelf-status [data-testid=markdown]').innerText)"
    )


def test_hostile_upload_fetches_nothing_runs_nothing_and_is_marked_as_added(
    page, tmp_path, app_server
):
    upload(page, tmp_path, "tokayev-serbia.md", SPOOF)
    assert "Not added" in page.locator(STATUS).inner_text()
    assert "already has" in page.locator(STATUS).inner_text()

    upload(page, tmp_path, "beacon.md", BEACON)
    assert "Added" in page.locator(STATUS).inner_text()
    assert "added from beacon.md on" in page.locator("#document-list").inner_text()
    kept = [p for p in app_server.uploads.rglob("*") if p.is_file()]
    assert not [p for p in kept if p.name == "beacon.md" or p.read_bytes() == BEACON.encode()]

    page.get_by_role("tab", name="Source").click()
    ask(page, "When was the beacon on Cape Vrata relit?", 0)
    assert "relit in June" in " ".join(page.locator("#source-panel mark.cited").all_inner_texts())
    bot(page, 0).locator("summary").first.click()
    assert "added from beacon.md on" in bot(page, 0).inner_text()
    assert "added from beacon.md on" in page.locator("#source-panel .added-mark").first.inner_text()
    with page.expect_download() as download:
        page.locator("#download-answer").click()
    assert "added from beacon.md on" in Path(download.value.path()).read_text(encoding="utf-8")
    shot(page, "09-hostile-upload-marked")

    page.wait_for_timeout(500)  # time for anything the page would fetch or run
    assert page.evaluate("typeof window.__pwned") == "undefined"
    assert page.locator("#source-panel iframe, #chat iframe, #source-panel svg").count() == 0
    page.get_by_role("tab", name="Documents").click()
    page.locator("#remove").click()
    page.wait_for_function(
        "/Removed/.test(document.querySelector('#shelf-status [data-testid=markdown]').innerText)"
    )
