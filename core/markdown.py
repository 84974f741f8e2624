"""Text written in Markdown (the networks' news): safe HTML for the pages, plain text for the rest.

The few forms a coordinator needs, and nothing else: paragraphs and line breaks,
headings, **bold** and *italic*, lists, links, quotes and a dividing line.

- `render_markdown` parses with markdown-it-py (CommonMark) with raw HTML off, so `<b>`
  or `<script>` typed in the text shows as those characters. Images are not made from
  Markdown (`![text](address)` gives the text), nor code blocks (a line indented by four
  spaces stays a paragraph), nor headings underlined with `===`/`---` (a line of dashes
  under a line of text would turn it into a heading by surprise). The text's own
  headings are moved so that its highest one is `top` (h2 under the page's h1) and none
  is deeper than h6. A link to another host gets `rel="nofollow noopener"`.
- The HTML is then sanitised with nh3 against an allow-list of tags and attributes,
  whatever the parser made: no scripts, no styles, no event handlers, no images, links
  only to http, https, mailto and tel addresses or to paths on this site.
- `markdown_text` gives the text without the markup, for the search index, the search
  results' snippets, feeds and mails: the words of each block on lines of their own.
"""

from __future__ import annotations

from functools import cache
from urllib.parse import urlsplit

import nh3
from django.conf import settings
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from markdown_it import MarkdownIt
from markdown_it.token import Token

EXTERNAL_REL = "nofollow noopener"
TAGS = {
    "p", "br", "strong", "em", "ul", "ol", "li", "a", "blockquote", "hr",
    "code", "h2", "h3", "h4", "h5", "h6",
}  # fmt: skip
# "*": no attribute on every tag (nh3 would otherwise keep `lang` and `title` anywhere).
ATTRIBUTES = {"*": set(), "a": {"href", "title"}, "ol": {"start"}}
URL_SCHEMES = {"http", "https", "mailto", "tel"}
# Removed with what they hold; every other tag outside TAGS is removed and its text kept.
CLEAN_CONTENT_TAGS = {"script", "style", "iframe", "object", "embed", "template", "svg", "math"}


@cache
def _parser(line_breaks: bool = True) -> MarkdownIt:
    # A line break in a coordinator's text is a line break on the page (`line_breaks`); a
    # document wrapped at a fixed width (the staff handbook) joins its lines.
    options = {"html": False, "breaks": line_breaks, "linkify": False, "typographer": False}
    parser = MarkdownIt("commonmark", options)
    parser.disable(["code", "fence", "lheading", "html_block", "html_inline"])
    parser.add_render_rule("heading_open", _heading_open)
    parser.add_render_rule("heading_close", _heading_close)
    parser.add_render_rule("link_open", _link_open)
    parser.add_render_rule("image", _image_as_text)
    return parser


@cache
def _cleaner() -> nh3.Cleaner:
    return nh3.Cleaner(
        tags=TAGS,
        clean_content_tags=CLEAN_CONTENT_TAGS,
        attributes=ATTRIBUTES,
        # rel only as the renderer sets it (an alternative to `attributes`: see nh3.Cleaner).
        tag_attribute_values={"a": {"rel": {EXTERNAL_REL}}},
        url_schemes=URL_SCHEMES,
        link_rel=None,
        strip_comments=True,
    )


def _heading_tag(token: Token, env: dict) -> str:
    level = int(token.tag[1]) - env["highest"] + env["top"]
    return f"h{min(max(level, env['top']), 6)}"


def _heading_open(self, tokens: list[Token], idx: int, options, env: dict) -> str:
    return f"<{_heading_tag(tokens[idx], env)}>"


def _heading_close(self, tokens: list[Token], idx: int, options, env: dict) -> str:
    return f"</{_heading_tag(tokens[idx], env)}>\n"


def is_external(href: str) -> bool:
    """Whether a link leads to another host than the site's own (SITE_URL)."""
    parts = urlsplit(href.strip())
    if parts.scheme.lower() not in ("", "http", "https") or not parts.netloc:
        return False
    return (parts.hostname or "") != (urlsplit(settings.SITE_URL).hostname or "")


def _link_open(self, tokens: list[Token], idx: int, options, env: dict) -> str:
    token = tokens[idx]
    if is_external(str(token.attrGet("href") or "")):
        token.attrSet("rel", EXTERNAL_REL)
    return self.renderToken(tokens, idx, options, env)


def _image_as_text(self, tokens: list[Token], idx: int, options, env: dict) -> str:
    # No pictures from a text: the words in the brackets stand where it would have been.
    return escape(self.renderInlineAsText(tokens[idx].children or [], options, env))


def render_markdown(text: str, *, top: int = 2, line_breaks: bool = True) -> SafeString:
    """Sanitised HTML of a Markdown text; its highest heading becomes h`top`; with
    `line_breaks`, each line break of the text is one on the page."""
    if not text or not text.strip():
        return mark_safe("")  # noqa: S308 (nothing to mark)
    parser = _parser(line_breaks)
    tokens = parser.parse(text)
    levels = [int(token.tag[1]) for token in tokens if token.type == "heading_open"]
    env = {"top": top, "highest": min(levels, default=1)}
    html = parser.renderer.render(tokens, parser.options, env)
    return mark_safe(_cleaner().clean(html))  # noqa: S308 (sanitised by nh3 just above)


def markdown_text(text: str) -> str:
    """The words of a Markdown text without its markup: a blank line between blocks
    (paragraphs, headings, quotes, lists), each list item on a line of its own."""
    if not text or not text.strip():
        return ""
    blocks: list[str] = []
    items: list[str] = []  # the lines of the list being read
    depth = 0
    for token in _parser().parse(text):
        if token.type in ("bullet_list_open", "ordered_list_open"):
            depth += 1
        elif token.type in ("bullet_list_close", "ordered_list_close"):
            depth -= 1
            if depth == 0 and items:
                blocks.append("\n".join(items))
                items = []
        elif token.type == "inline":
            words = _inline_text(token.children or []).strip()
            if words:
                (items if depth else blocks).append(words)
    return "\n\n".join(blocks)


def _inline_text(children: list[Token]) -> str:
    parts = []
    for child in children:
        if child.type in ("text", "code_inline"):
            parts.append(child.content)
        elif child.type in ("softbreak", "hardbreak"):
            parts.append("\n")
        elif child.type == "image":
            parts.append(_inline_text(child.children or []))
    return "".join(parts)
