"""The operations glossary: English and Chinese words that stand for each other in a query."""

from __future__ import annotations

import pytest

from generator.search.glossary import GlossaryError, aliases, parse, parse_aliases, translations


def test_the_shipped_glossary_maps_each_word_both_ways():
    words = translations()
    assert ("内存",) in words["memori"] and ("memori",) in words["内存"]  # English as the index holds it: stems
    assert ("thread", "pool") in words["线程池"]  # an English phrase is its words
    assert len(words) > 250


@pytest.mark.parametrize(
    ("entries", "message"),
    [
        ("memory", "`words` must be a list"),
        ([{"en": ["memory"]}], "entry 1: needs `en` and `zh`"),
        ([{"en": ["memory"], "zh": ["内存"]}, {"en": [], "zh": ["磁盘"]}], "entry 2: needs"),
        ([{"en": ["内存"], "zh": ["内存"]}], "English words go under `en`"),
        ([{"en": ["disk"], "zh": ["盘"]}], "two characters or more"),
    ],
)
def test_a_malformed_glossary_says_which_entry(entries, message):
    with pytest.raises(GlossaryError, match=message):
        parse(entries)


def test_aliases_name_a_technology_each_way_and_match_as_words():
    assert "postgresql" in aliases()["pg"] and "pg" in aliases()["postgresql"]
    assert ("postgresql",) in translations()["pg"] and ("pg",) in translations()["postgr"]  # stems, as indexed


@pytest.mark.parametrize("groups", ["pg", [["pg"]], [["pg", "postgres sql"]], [["pg", "数据库"]], [[]]])
def test_a_malformed_alias_group_says_which(groups):
    with pytest.raises(GlossaryError, match="alias group 1"):
        parse_aliases(groups)
