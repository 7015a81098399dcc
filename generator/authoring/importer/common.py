"""Pieces both drafts use: causes' categories, links, text joined into a field, ids."""

from __future__ import annotations

import re
from typing import Any

from generator.authoring.importer.blocks import Block, refdefs
from generator.authoring.importer.context import Context, Node
from generator.authoring.importer.text import one_line, plain, slug, unique
from generator.core.model.common import LINK_PATTERN

_CATEGORIES: list[tuple[str, re.Pattern[str]]] = [
    (name, re.compile(words, re.IGNORECASE))
    for name, words in [
        (
            "permissions",
            (
                r"permission|权限|denied|chown|chmod|owned by|credential|password|密码|\btoken|鉴权|认证|"
                r"unauthori[sz]ed|forbidden|401|403|certificate|证书|\bcert\b"
            ),
        ),
        (
            "capacity",
            (
                r"\bdisk|磁盘|memory|内存|\boom\b|\bcpu\b|connections|连接数|连接池|\bpool\b|quota|\blimit|"
                r"打满|写满|已满|\bfull\b|exhaust|no space|容量|负载|\bload\b|backlog|积压|swap|慢查询|"
                r"slow quer|too many|rate limit|限流|扩容"
            ),
        ),
        (
            "network",
            (
                r"network|网络|firewall|防火墙|security group|安全组|\broute|路由|\bvpn\b|listen|监听|"
                r"\bdns\b|解析|unreachable|不可达|packet|丢包|\bport\b|端口"
            ),
        ),
        (
            "dependency",
            (
                r"database|数据库|redis|mysql|postgres|kafka|rabbit|queue|队列|\bcdn\b|upstream|上游|"
                r"第三方|third.?party|broker|\bnats\b|provider|供应商|银行|外部(服务|依赖)"
            ),
        ),
        (
            "process-management",
            r"systemd|\bpm2\b|\bcron|supervisor|进程|\bprocess|crash|崩溃|restart loop|crashloop|daemon|僵尸",
        ),
        ("deployment", r"deploy|部署|release|发布|rollout|upgrade|升级|migration|迁移|\bversion|版本|回滚|rollback"),
        (
            "code-defect",
            (
                r"\bbug\b|代码|\bcode\b|syntax|语法|exception|null pointer|template|模板|regression|逻辑|"
                r"\blogic\b|\btypo\b"
            ),
        ),
        (
            "configuration",
            r"config|配置|setting|参数|misconfig|wrong value|设置|\benv\b|环境变量|timeout setting|超时设置",
        ),
        ("client-side", r"browser|浏览器|client cache|本地缓存|客户端|用户本地|user's network"),
    ]
]


def category(text: str) -> tuple[str, str | None]:
    """(root-cause category, the words it was read from) for a cause's text; 'unknown' when no word says."""
    words = plain(text)
    best: tuple[int, int, str, str] | None = None
    for n, (name, rx) in enumerate(_CATEGORIES):
        found = rx.findall(words)
        if found:
            hit = rx.search(words)
            score = (len(found), -n)
            if best is None or score > best[:2]:
                best = (score[0], score[1], name, hit.group(0) if hit else "")
    return (best[2], best[3]) if best else ("unknown", None)


def set_category(ctx: Context, node: Node, text: str) -> None:
    cat, word = category(text)
    node["category"] = cat
    if word:
        ctx.guess(node, "category", f'from the word "{word}"')


def append(node: Node, key: str, text: str) -> None:
    node[key] = f"{node[key]}\n\n{text}" if node.get(key) else text


def valid_link(target: str) -> bool:
    return bool(re.match(LINK_PATTERN, target))


def links_in(text: str) -> list[tuple[str, str]]:
    """(text, url) of each inline link."""
    return [(m.group(1), m.group(2)) for m in re.finditer(r"(?<!!)\[([^\]\n]+)\]\((\S+?)(?:\s+\"[^\"]*\")?\)", text)]


def add_links(ctx: Context, links: list[Node], block: Block, seen: set[str]) -> None:
    """Reference-link definitions, and inline links, as the document's links."""
    pairs: list[tuple[str, str, str | None]] = []
    if block.kind == "refdef":
        pairs = [(title or label, url, None) for label, url, title in refdefs(block)]
    elif block.kind == "list":
        # A list of links: each item's words beyond its link say what it is ("- [API.md](API.md) - API 文档").
        for item in block.items:
            found = links_in(item.text)
            rest = re.sub(r"\[[^\]]*\]\([^)]*\)", "", item.text).strip(" -–—:：")
            pairs += [(t, u, item.text if len(found) == 1 and rest else None) for t, u in found]
    else:
        pairs = [(t, u, None) for t, u in links_in(block.text)]
    for title, url, note in pairs:
        if url in seen or not valid_link(url):
            continue
        seen.add(url)
        link: Node = {"title": one_line(plain(title)) or url, "target": url}
        if note:
            link["note"] = note
        links.append(link)
        if block.kind == "refdef":
            ctx.take(block, link, "target")


def refdef_text(block: Block) -> str:
    """Reference definitions as links a page shows: '[cleanup]: https://…' -> '[cleanup](https://…)'."""
    out = []
    for label, url, title in refdefs(block):
        out.append(f"[{title or label}]({url})")
    return "\n".join(out) or block.text


def new_id(text: str, fallback: str, used: set[str]) -> str:
    # CamelCase alert names read better split: NodeDiskPressure -> node-disk-pressure.
    spaced = re.sub(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])", "-", plain(text))
    s = slug(spaced, fallback)
    return unique(s if re.search(r"[a-z]{2}", s) else fallback, used)


def drop_empty(node: dict[str, Any]) -> dict[str, Any]:
    """The node without its empty values, changed in place: comments are filed under the node itself."""
    for key in [k for k, v in node.items() if v in ([], None, "", {})]:
        del node[key]
    return node
