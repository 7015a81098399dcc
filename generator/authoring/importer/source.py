"""A write-up as read from disk -> Markdown ready to parse, with what came before it (front matter,
page chrome) kept aside.

- A UTF-8 byte order mark and carriage returns go: they are encoding, not text.
- YAML front matter is read as data (its lines are blanked, so line numbers still match the file).
- A saved web page or a wiki page exported as HTML becomes Markdown through markdownify; scripts and
  styles are dropped, navigation and footers are kept aside as page chrome.
- Text copied from a rendered page (no Markdown left: a line "bash" above the commands, "•" bullets,
  headings as short lines of their own) gets its fences, bullets and headings back.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from generator.authoring.importer.text import has_cjk, norm

_LANG_WORDS = (
    "bash|sh|shell|zsh|console|shell-session|terminal|python|py|sql|json|yaml|yml|ini|toml|conf|nginx|text|"
    "plaintext|powershell|ps1|cmd|bat|javascript|js|typescript|ts|go|java|xml|html|dockerfile|makefile|log"
)
_LANG_LINE = re.compile(rf"^\s*({_LANG_WORDS})\s*$", re.IGNORECASE)
_CODEISH = re.compile(r"^\s*(?:#|\$ |sudo\s|[./~]|[a-z][a-z0-9_.+-]*(?:\s|$))")
_BULLET = re.compile(r"^(\s*)[•◦▪●·]\s+")
_MD_HEADING = re.compile(r"^\s{0,3}#{1,6}\s|^\s{0,3}(?:=+|-+)\s*$")
_FENCE = re.compile(r"^\s{0,3}(```|~~~)")
# First lines of a page copied from a browser that are the page's chrome, not its title.
_CHROME_LINES = re.compile(
    r"^(skip to (main )?content|跳转到?(主要)?内容|跳至(主要)?内容|跳到主要内容|menu|菜单)$", re.I
)
_CHROME_HTML = re.compile(r"breadcrumb|(^|[-_ ])nav|navbar|menu|sidebar|footer|header|toolbar|page-metadata", re.I)


@dataclass
class Source:
    name: str
    markdown: str
    front: dict[str, Any] = field(default_factory=dict)
    front_lines: list[tuple[int, str]] = field(default_factory=list)  # (line, entry) of the front matter
    html: bool = False
    page_title: str | None = None  # an HTML page's <title>
    chrome: list[str] = field(default_factory=list)  # an HTML page's navigation and footers, one line each
    notes: list[str] = field(default_factory=list)  # what was done to read it, for the report
    # Text copied from a rendered page, as it was, and the Markdown line of each of its lines: what was
    # written is what must be kept, bullets "•" and all.
    original: str | None = None
    line_of: list[int] = field(default_factory=list)


def looks_like_html(text: str, name: str) -> bool:
    if name.lower().endswith((".html", ".htm", ".xhtml")):
        return True
    head = text.lstrip()[:500].lower()
    return head.startswith(("<!doctype html", "<html")) or (head.startswith("<") and "<body" in text[:5000].lower())


def prepare(text: str, name: str) -> Source:
    text = text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    src = from_html(text, name) if looks_like_html(text, name) else Source(name, text)
    _front_matter(src)
    _pasted_page(src)
    return src


def _front_matter(src: Source) -> None:
    from ruamel.yaml import YAML
    from ruamel.yaml.error import YAMLError

    lines = src.markdown.split("\n")
    if not lines or lines[0].strip() != "---":
        return
    end = next((i for i in range(1, min(len(lines), 400)) if lines[i].strip() in ("---", "...")), None)
    if end is None or end == 1:
        return
    try:
        data = YAML(typ="safe", pure=True).load("\n".join(lines[1:end]))
    except YAMLError:
        return  # a thematic break, not front matter
    if not isinstance(data, dict):
        return
    src.front = {str(k): v for k, v in data.items()}
    src.front_lines = [(i + 1, lines[i]) for i in range(1, end) if lines[i].strip()]
    src.markdown = "\n".join([""] * (end + 1) + lines[end + 1 :])


def _pasted_page(src: Source) -> None:
    """Text copied out of a rendered page: fences, bullets and headings are put back, line for line."""
    lines = src.markdown.split("\n")
    if any(_FENCE.match(ln) for ln in lines):
        return
    starts = [i for i, ln in enumerate(lines) if _LANG_LINE.match(ln) and i + 1 < len(lines) and lines[i + 1].strip()]
    if len(starts) < 2:
        return
    out: list[str] = []
    line_of: list[int] = []  # 1-based line in `out` of each line of `lines`
    in_code: set[int] = set()  # lines of `lines` inside recovered code
    i = 0
    while i < len(lines):
        prev = lines[i - 1].strip() if i else ""
        if i in starts and (not prev or prev.endswith((":", "："))):
            out.append("```" + lines[i].strip().lower())
            line_of.append(len(out))
            j = i + 1
            while j < len(lines):
                ln = lines[j]
                if not ln.strip():
                    nxt = next((k for k in range(j + 1, len(lines)) if lines[k].strip()), None)
                    if nxt is None or not _CODEISH.match(lines[nxt]) or nxt in starts or _heading_like(lines[nxt]):
                        break
                elif not _CODEISH.match(ln) and (has_cjk(ln) or re.match(r"^\s*\d+[.)]\s", ln)):
                    break  # prose again, without a blank line: the list the block sat in goes on
                out.append(ln)
                line_of.append(len(out))
                j += 1
            in_code.update(range(i, j))
            out.append("```")
            if j < len(lines) and not lines[j].strip():
                line_of.append(len(out))
                j += 1  # the blank line that ended the block became its closing fence
            i = j
            continue
        out.append(_BULLET.sub(lambda m: m.group(1) + "- ", lines[i]))
        line_of.append(len(out))
        i += 1
    # Markdown headings outside the recovered code: this is Markdown after all, leave it alone.
    if any(_MD_HEADING.match(ln) for n, ln in enumerate(lines) if n not in in_code and ln.strip()):
        return
    _guess_headings(out)
    src.original, src.line_of = src.markdown, line_of
    src.markdown = "\n".join(out)
    src.notes.append("copied from a rendered page: code blocks, bullets and headings recovered")


def _heading_like(line: str) -> bool:
    s = line.strip()
    if not s or len(s) > (40 if has_cjk(s) else 60) or _CHROME_LINES.match(s):
        return False
    if (
        re.search(r"[:：。.,，;；!！?？]$", s)
        or re.search(r"[:：]\S", s)
        or s.startswith(("-", "*", "`", "|", ">", "#"))
    ):
        return False
    if re.match(r"^\d+[.)]\s", s):
        return False
    # "redis-cli ping" is a command; "voms-server 启动失败" is a heading that starts with a name.
    return not _CODEISH.match(s) or has_cjk(s)


def _guess_headings(lines: list[str]) -> None:
    """Short lines standing alone become headings: the first is the title, one followed directly by
    another heading is a group (##), the rest are items of the group above (###) or sections (##)."""
    fence = False
    paragraphs: list[int] = []  # line numbers of one-line paragraphs outside code
    for i, ln in enumerate(lines):
        if ln.startswith("```"):
            fence = not fence
            if fence:
                paragraphs.append(-1 - i)  # code is content: the heading above it is no group
            continue
        if fence or not ln.strip():
            continue
        before = lines[i - 1].strip() if i else ""
        after = lines[i + 1].strip() if i + 1 < len(lines) else ""
        alone = before in ("", "```") and after in ("", "```")
        paragraphs.append(i if alone and _heading_like(ln) else -1 - i)
    headings = [p for p in paragraphs if p >= 0]
    if not headings:
        return
    grouped = False
    for n, i in enumerate(paragraphs):
        if i < 0:
            continue
        if i == headings[0]:
            lines[i] = "# " + lines[i].strip()
            continue
        nxt = paragraphs[n + 1] if n + 1 < len(paragraphs) else -1
        if nxt >= 0:
            lines[i] = "## " + lines[i].strip()
            grouped = True
        else:
            lines[i] = ("### " if grouped else "## ") + lines[i].strip()


_BLOCKS = {
    "p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "li", "ul", "ol", "tr", "table", "section", "br", "small",
    "dt", "dd", "blockquote", "header", "footer", "nav", "aside", "td", "th", "pre",
}  # fmt: skip


def _block_lines(tag: Any) -> list[str]:
    """The lines a browser shows for an element: inline text joined as it is, a line per block."""
    from bs4 import NavigableString

    lines: list[str] = []
    buf: list[str] = []

    def flush() -> None:
        line = norm("".join(buf))
        if line:
            lines.append(line)
        buf.clear()

    def walk(node: Any) -> None:
        for child in node.children:
            if isinstance(child, NavigableString):
                buf.append(str(child))
            elif child.name in _BLOCKS:
                flush()
                walk(child)
                flush()
            else:
                walk(child)

    walk(tag)
    flush()
    return lines


def from_html(text: str, name: str) -> Source:
    """An HTML page as Markdown (markdownify), with its <title> and its chrome kept aside."""
    from bs4 import BeautifulSoup, Comment
    from markdownify import MarkdownConverter

    soup = BeautifulSoup(text, "html.parser")
    for tag in soup(["script", "style"]):
        tag.decompose()
    for comment in soup.find_all(string=lambda s: isinstance(s, Comment)):
        comment.extract()
    title = soup.title.get_text(" ", strip=True) if soup.title else None
    if soup.head:
        soup.head.decompose()
    chrome: list[str] = []
    for tag in soup.find_all(True):
        if tag.decomposed:
            continue
        marks = " ".join([tag.name, str(tag.get("id") or ""), " ".join(tag.get("class") or [])])
        is_chrome = tag.name in ("nav", "header", "footer", "aside", "noscript", "template") or _CHROME_HTML.search(
            marks
        )
        if is_chrome and not tag.find(["h1", "h2", "h3", "h4", "h5", "h6", "pre", "table", "article", "main"]):
            chrome += _block_lines(tag)
            tag.decompose()

    def language(el: Any) -> str:
        # Wikis put the highlighter's class on a wrapper (MediaWiki: <div class="mw-highlight-lang-bash"><pre>).
        wrappers = [el.parent] if el.parent is not None and el.parent.name == "div" else []
        for node in [el, *el.find_all(True), *wrappers]:
            hint = " ".join([*(node.get("class") or []), str(node.get("data-syntaxhighlighter-params") or "")])
            m = re.search(r"(?:brush:\s*|language-|lang-)([\w+-]+)", hint)
            if m:
                return m.group(1).lower()
        return ""

    class Converter(MarkdownConverter):  # type: ignore[misc]
        # Italics stay plain words: "*.internal" in <em> would read as emphasis markers in Markdown.
        def convert_em(self, el: Any, text: str, *args: Any, **kwargs: Any) -> str:
            return text

        convert_i = convert_em

    converter = Converter(
        heading_style="ATX",
        bullets="-",
        escape_asterisks=False,
        escape_underscores=False,
        escape_misc=False,
        code_language_callback=language,
        strip=["img"],
    )
    markdown = converter.convert_soup(soup)
    markdown = re.sub(r"\n{3,}", "\n\n", markdown).strip("\n") + "\n"
    src = Source(name, markdown, html=True, page_title=title, chrome=chrome)
    src.notes.append("converted from HTML with markdownify")
    return src
