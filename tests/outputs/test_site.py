"""The site renderer as a pure function: corpus in, Markdown pages out, no MkDocs."""

from __future__ import annotations

from generator.core import metrics, pipeline
from generator.outputs.site import labels, render_site
from generator.outputs.text import cell, code, fence, inline
from tests.conftest import ROOT, TODAY


def _pages():
    corpus, findings = pipeline.run(ROOT, today=TODAY)
    assert findings == []
    return corpus, render_site(corpus, today=TODAY, language="zh", site_name="运维知识库")


def test_every_document_and_index_has_a_page():
    corpus, pages = _pages()
    for rb in corpus.runbooks:
        assert f"runbooks/{rb}.md" in pages
    for inc in corpus.incidents:
        assert f"incidents/{inc}.md" in pages
    for index in (
        "index.md",
        "indexes/services.md",
        "indexes/signatures.md",
        "indexes/root-causes.md",
        "indexes/tags.md",
        "indexes/action-items.md",
        "indexes/review.md",
    ):
        assert index in pages


def test_runbook_page_sections():
    _, pages = _pages()
    page = pages["runbooks/chatserver-troubleshooting.md"]
    for heading in ("## 参数", "## 一键体检", "## 常见问题", "## 参考表", "## 收集诊断信息", "## 升级与支持"):
        assert heading in page
    assert '=== "CentOS / RHEL"' in page  # platform variants become content tabs
    assert "sudo firewall-cmd --permanent --add-port=${PORT}/tcp" in page
    assert "⚠️ 会改变系统状态" in page  # destructive steps are marked
    assert "{: #port-in-use }" in page  # anchors that the indexes link to


def test_incident_page_card_and_unconfirmed_root_cause():
    corpus, pages = _pages()
    inc = corpus.incidents["2025-12-23-word-counter-upgrade-502"]
    assert metrics.minutes(metrics.time_to_detect(inc)) == "5 min"
    assert metrics.minutes(metrics.time_to_resolve(inc)) == "27 min"
    page = pages["incidents/2025-12-23-word-counter-upgrade-502.md"]
    assert "| 发现用时 | 5 分钟 |" in page and "| 恢复用时 | 27 分钟 |" in page  # units in the site's language
    assert page.count("| 22:") == 7  # every timeline row
    tapspot = pages["incidents/2026-02-25-tapspot-site-unreachable.md"]
    assert '!!! warning "未确认"' in tapspot


def test_indexes_link_signatures_to_problems():
    _, pages = _pages()
    sig = pages["indexes/signatures.md"]
    assert "`OSError: Address already in use`" in sig
    assert "(../runbooks/chatserver-troubleshooting.md#port-in-use)" in sig
    assert "(../runbooks/nginx-502-bad-gateway.md#bad-gateway)" in sig
    open_items = pages["indexes/action-items.md"]
    assert "添加服务健康检查脚本" in open_items
    assert "创建故障记录文档" not in open_items  # done items are not open


def test_text_is_escaped_where_it_lands():
    evil = '<script>alert(1)</script> <img src=x onerror=alert(1)> [x](javascript:alert(1)) {: onclick="x"}'
    out = inline(evil)
    for bad in ("<script", "<img", "](javascript:", "{:"):
        assert bad not in out
    assert "|" not in cell("a | b").replace("&#124;", "")
    assert code("a`b") == "``a`b``"
    # A fence longer than any backtick run inside: the code cannot close it early.
    assert fence("```\n<script>", "bash").startswith("````bash\n")


def test_navigation_is_split_when_sections_grow():
    from generator.outputs.site import FLAT_NAV_LIMIT, site_nav

    corpus, _ = _pages()
    nav = site_nav(corpus, ["about.md"], "zh")
    assert nav[0] == "index.md" and nav[-1] == "about.md"
    assert len(corpus.runbooks) <= FLAT_NAV_LIMIT
    assert "runbooks/safe-deploy.md" in nav[1]["运维手册"]  # small: flat
    many = corpus.runbooks["safe-deploy"]
    for n in range(FLAT_NAV_LIMIT + 1):
        corpus.runbooks[f"copy-{n}"] = many.model_copy(update={"id": f"copy-{n}"})
    grouped = site_nav(corpus, [], "zh")[1]["运维手册"]
    assert all(isinstance(group, dict) for group in grouped)  # big: one sub-section per service
    nginx = next(g["nginx"] for g in grouped if "nginx" in g)
    assert "runbooks/copy-0.md" in nginx and "runbooks/safe-deploy.md" in nginx


def test_navigation_shows_only_the_index_of_a_very_big_section():
    from generator.outputs.site import LISTED_NAV_LIMIT, site_nav

    corpus, _ = _pages()
    many = corpus.runbooks["safe-deploy"]
    for n in range(LISTED_NAV_LIMIT + 1):
        corpus.runbooks[f"copy-{n}"] = many.model_copy(update={"id": f"copy-{n}"})
    nav = site_nav(corpus, [], "zh")
    assert nav[1]["运维手册"] == ["indexes/services.md"]  # every runbook is one click away from it
    assert "indexes/services.md" not in nav[3]["索引"]  # listed once, not twice
    assert "indexes/incidents.md" in nav[3]["索引"]  # the small incidents section is listed in full
    assert "incidents/2026-02-25-tapspot-site-unreachable.md" in nav[2]["故障记录"]


def test_a_big_knowledge_base_gets_a_signature_page_per_service():
    from generator.outputs.site import SPLIT_INDEX_LIMIT

    corpus, small = _pages()
    assert "indexes/signatures/nginx.md" not in small  # small: one page
    many = corpus.runbooks["safe-deploy"]
    for n in range(SPLIT_INDEX_LIMIT + 1):
        corpus.runbooks[f"copy-{n}"] = many.model_copy(update={"id": f"copy-{n}", "services": [f"svc{n % 7}"]})
    pages = render_site(corpus, today=TODAY, language="zh")
    top = pages["indexes/signatures.md"]
    assert "| [svc3](signatures/svc3.md) |" in top and "copy-" not in top  # services, not every row
    part = pages["indexes/signatures/svc3.md"]
    assert "(../../runbooks/copy-3.md#" in part and "copy-4.md" not in part
    signature = many.problems[0].signatures[0].text
    assert signature in part
    # Every problem is listed on exactly one page, its runbook's first service's.
    rows = [ln for path, text in pages.items() if path.startswith("indexes/signatures/") for ln in text.splitlines()]
    assert sum("(../../runbooks/copy-3.md#" in ln for ln in rows) == sum(
        "(../runbooks/safe-deploy.md#" in ln for ln in small["indexes/signatures.md"].splitlines()
    )


def test_incident_index_lists_every_incident_by_year():
    corpus, pages = _pages()
    page = pages["indexes/incidents.md"]
    assert page.index("## 2026") < page.index("## 2025")
    for inc in corpus.incidents.values():
        assert f"(../incidents/{inc.id}.md)" in page


def test_contributing_page_is_generated_from_the_models_and_the_rules():
    from generator.core.model import MODELS
    from generator.core.model.describe import fields, nested_models
    from generator.core.rules import RULES

    for language in ("zh", "en"):
        page = render_site(pipeline.run(ROOT)[0], today=TODAY, language=language)["contributing.md"]
        for root in MODELS.values():
            for model in nested_models(root):
                assert f"### {model.__name__} {{ #{model.__name__.lower()} }}" in page
                for f in fields(model):
                    assert f"| `{f.name}` |" in page
        severities = labels(language)["rule_severities"]  # the severity in the site's language
        for rule in RULES:
            assert f"| `{rule.id}` | {severities[rule.severity]} |" in page
        assert "kb new incident" in page and "kb validate --format github" in page
    # The descriptions are the models' own, not copies.
    assert "Who could not do what, for how long." in page


def test_readme_lists_every_rule_and_command():
    from generator.adapters.cli.main import build_parser
    from generator.core.rules import RULES

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for rule in RULES:
        assert f"`{rule.id}`" in readme, rule.id
    commands = build_parser()._subparsers._group_actions[0].choices
    for name in commands:
        assert f"| `kb {name}" in readme, name


def test_freshness_on_the_runbook_page_and_the_due_for_review_page():
    import datetime as dt

    corpus, _ = pipeline.run(ROOT, today=TODAY)
    corpus.runbooks["voms-troubleshooting"].last_reviewed = dt.date(2026, 1, 1)  # the oldest review
    later = dt.date(2027, 6, 1)
    pages = render_site(corpus, today=later, language="zh")
    page = pages["runbooks/chatserver-troubleshooting.md"]
    assert "| 负责人 | 聊天服务运维组 |" in page
    assert "| 最近审核 | 2026-11-22 (审核周期 180 天) |" in page
    rows = [ln for ln in pages["indexes/review.md"].splitlines() if ln.startswith("| [")]
    assert len(rows) == len(corpus.runbooks)  # every runbook is past due by mid-2027
    assert rows[0].startswith("| [故障排查 (VOMS") and "⚠️ 逾期 336 天" in rows[0]  # oldest first
    assert "⚠️ 逾期 11 天" in rows[1]
