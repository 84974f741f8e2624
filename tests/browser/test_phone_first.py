"""Phone first: at 320 × 640 the page's first heading starts within 200 px of the top, in
every language, logged in or out; the menu folds into a disclosure that works without
JavaScript; no word of a heading, button or menu breaks across lines; focus is never
hidden under the header."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.browser.test_layout import content  # noqa: F401 (a fixture)

PHONE = {"width": 320, "height": 640}
HEADING_WITHIN_PX = 200
LANGUAGES = ["", "/en", "/fi", "/ar"]

FIRST_HEADING_TOP = """() => {
  const heading = document.querySelector('main h1');
  return heading && heading.getBoundingClientRect().top + scrollY;
}"""

# Every word (a run of letters between spaces and written hyphens) of a heading, button or menu entry whose
# pieces lie on more than one line, broken by hyphenation or by overflow-wrap, although it
# would fit on one line of the element.
SPLIT_WORDS = """() => {
  const split = [];
  const selector = 'h1, h2, h3, h4, button, .button, summary, .main-nav a, .language a';
  for (const el of document.querySelectorAll(selector)) {
    if (!el.checkVisibility()) continue;  // In the closed menu, or not shown at all.
    const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const words = /[^\\s\u2010-]+/g;  // A break after a written hyphen is the text's own.
      for (let m = words.exec(node.textContent); m; m = words.exec(node.textContent)) {
        const range = document.createRange();
        range.setStart(node, m.index);
        range.setEnd(node, m.index + m[0].length);
        const pieces = [...range.getClientRects()].filter(r => r.width > 1);
        const lines = new Set(pieces.map(r => Math.round(r.top)));
        // A word wider than the whole line has to break somewhere; any other may not.
        const width = pieces.reduce((sum, r) => sum + r.width, 0);
        if (lines.size > 1 && width <= el.clientWidth) split.push(`${el.tagName.toLowerCase()}: ${m[0]}`);
      }
    }
  }
  return split;
}"""

# The focused element is on screen and nothing (a header, a menu) lies over its middle.
FOCUS_VISIBLE = """() => {
  const el = document.activeElement;
  if (!el || el === document.body) return 'nothing focused';
  const box = el.getBoundingClientRect();
  if (box.bottom <= 0 || box.top >= innerHeight) return `off screen: ${el.outerHTML.slice(0, 80)}`;
  const x = Math.min(Math.max(box.left + box.width / 2, 0), innerWidth - 1);
  const y = Math.min(Math.max(box.top + box.height / 2, 0), innerHeight - 1);
  const top = document.elementFromPoint(x, y);
  return top && (top === el || el.contains(top) || top.contains(el)) ? '' : `covered: ${el.outerHTML.slice(0, 80)}`;
}"""


def _paths(content, *, logged_in: bool) -> list[str]:  # noqa: F811 (the fixture's value)
    paths = ["/", "/natverk/", "/natverk/satra/", "/aktorer/", "/moten/", "/borsen/", "/nyheter/", "/om/"]
    paths.append(f"/aktorer/{content['actor'].slug}/")
    if logged_in:
        paths += ["/mina-sidor/", "/bidrag/ansok/"]
    else:
        paths += [reverse("account_login")]
    return paths


def _walk(page, paths: list[str]) -> None:
    raw = page.page
    raw.set_viewport_size(PHONE)
    for language in LANGUAGES:
        for path in paths:
            page.goto(language + path)
            where = f"{language or '/sv'}{path}"
            top = raw.evaluate(FIRST_HEADING_TOP)
            assert top is not None, f"{where}: no heading in main"
            assert top <= HEADING_WITHIN_PX, f"{where}: the first heading starts at {top:.0f} px"
            assert raw.evaluate(SPLIT_WORDS) == [], f"{where}: words split across lines"
        # The opened menu's entries stay whole too.
        page.goto(language + "/")
        raw.click("summary.menu__toggle")
        assert raw.evaluate(SPLIT_WORDS) == [], f"{language or '/sv'}: the opened menu splits words"


@pytest.mark.django_db(transaction=True)
def test_first_heading_near_the_top_on_a_phone_logged_out(page, content) -> None:  # noqa: F811
    _walk(page, _paths(content, logged_in=False))


@pytest.mark.django_db(transaction=True)
def test_first_heading_near_the_top_on_a_phone_logged_in(page, content, rep_a) -> None:  # noqa: F811
    page.login(rep_a)
    _walk(page, _paths(content, logged_in=True))


@pytest.mark.django_db(transaction=True)
def test_the_menu_opens_without_javascript(browser, live_server, networks) -> None:
    context = browser.new_context(java_script_enabled=False, viewport=PHONE, locale="sv-SE")
    try:
        raw = context.new_page()
        raw.goto(live_server.url + "/")
        menu_link = raw.get_by_role("link", name="Möten", exact=True)
        language_link = raw.get_by_role("link", name="English")
        assert not menu_link.is_visible() and not language_link.is_visible()
        raw.get_by_text("Meny", exact=True).click()
        assert menu_link.is_visible() and language_link.is_visible()
        menu_link.click()
        assert raw.url == live_server.url + "/moten/"
        # On a wide screen the menu is a bar: always shown, no button.
        raw.set_viewport_size({"width": 1280, "height": 800})
        assert raw.get_by_role("link", name="Nätverken", exact=True).is_visible()
        assert not raw.get_by_text("Meny", exact=True).is_visible()
    finally:
        context.close()


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("width", [320, 1280])
def test_focus_is_never_hidden(page, content, rep_a, width) -> None:  # noqa: F811
    """WCAG 2.2, 2.4.11: tabbing through a page, no focused element lies under the header."""
    page.login(rep_a)
    raw = page.page
    raw.set_viewport_size({"width": width, "height": 640})
    for path in ("/moten/", "/mina-sidor/"):
        page.goto(path)
        if width == 320:
            # Opened, the menu drops over the page; it closes as focus leaves it.
            raw.click("summary.menu__toggle")
        for step in range(40):
            raw.keyboard.press("Tab")
            problem = raw.evaluate(FOCUS_VISIBLE)
            if problem == "nothing focused" and step > 0:
                break  # Past the page's last link: focus went to the browser.
            assert problem == "", f"{path} at {width} px, Tab number {step + 1}: {problem}"
