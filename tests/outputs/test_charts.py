"""SVG bar charts: well-formed XML, escaped text, bars in proportion, unknown values marked."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from generator.outputs.charts import bar_chart, shorten, text_width

SVG = "{http://www.w3.org/2000/svg}"


def test_bars_are_proportional_and_unknown_values_show_a_dash():
    svg = ET.fromstring(bar_chart("用时", ["a", "b", "c"], [("恢复", [10, 20, None])]))
    bars = [r for r in svg.iter(f"{SVG}rect") if r.get("height") == "12"]
    widths = [float(r.get("width")) for r in bars]
    assert widths[1] == 2 * widths[0] and widths[2] == 0
    texts = [t.text for t in svg.iter(f"{SVG}text")]
    assert texts[:1] == ["用时"] and "—" in texts and "20" in texts


def test_text_from_yaml_is_escaped_and_long_labels_are_shortened():
    label = "<script>alert(1)</script> " + "很长的故障标题" * 5
    raw = bar_chart("<b>&", [label], [("x", [1]), ("y", [2])])
    assert "<script>" not in raw and "&lt;script&gt;" in raw and "&lt;b&gt;&amp;" in raw
    svg = ET.fromstring(raw)
    labels = [t.text for t in svg.iter(f"{SVG}text") if t.get("text-anchor") == "end"]
    assert labels == [shorten(label)] and labels[0].endswith("…")
    assert [t.text for t in svg.iter(f"{SVG}text")][1:3] == ["x", "y"]  # a legend when there are two series


def test_wide_characters_take_a_full_em():
    assert text_width("故障") == 24 and round(text_width("ab"), 1) == 14.4
