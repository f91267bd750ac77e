"""An empty Draftail editor saves as "" (cms/rich_text.py), so re-saving a page whose
rich text is empty is no edit (the approval in tests/test_browser_assessments.py
publishes instead of restarting the review)."""

import json

from cms.rich_text import RichTextArea, is_empty_rich_text


def _contentstate(*texts: str) -> str:
    blocks = [
        {
            "key": f"k{i}",
            "type": "unstyled",
            "depth": 0,
            "text": t,
            "inlineStyleRanges": [],
            "entityRanges": [],
        }
        for i, t in enumerate(texts)
    ]
    return json.dumps({"blocks": blocks, "entityMap": {}})


def test_an_empty_editor_is_an_empty_string_and_text_is_kept():
    widget = RichTextArea(features=["bold"])
    assert widget.value_from_datadict({"intro": _contentstate("")}, {}, "intro") == ""
    assert widget.value_from_datadict({"intro": _contentstate("", " ")}, {}, "intro") == ""
    kept = widget.value_from_datadict({"intro": _contentstate("Read this first")}, {}, "intro")
    assert "Read this first" in kept
    assert widget.value_from_datadict({}, {}, "intro") is None  # not in the form: untouched


def test_what_counts_as_empty():
    assert is_empty_rich_text("") and is_empty_rich_text(None)
    assert is_empty_rich_text('<p data-block-key="ab1"></p>')
    assert is_empty_rich_text('<p data-block-key="a"></p>\n<p data-block-key="b"><br/></p>')
    assert not is_empty_rich_text('<p data-block-key="a">x</p>')
    assert not is_empty_rich_text('<embed embedtype="image" id="1" format="left"/>')
