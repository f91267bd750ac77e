"""GIFT and Moodle XML parsers (importing/): every mapped type, what is reported as not
mappable, and malformed or hostile files refused whole."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from learning.assessments.importing import ImportLimits, ImportSyntaxError, parse

GIFT = r"""
// A comment line
$CATEGORY: $course$/Web basics

::Tag::Which element makes a link? {
  =<a>#Right: the anchor.
  ~<link>#That one goes in the head.
  ~<href>
  ####Links are anchors.
}

::Pick the colours::Which are CSS colour keywords? {
  ~%50%red
  ~%50%blue
  ~%-100%bright
}

::Truth::HTML is a programming language.{F#Not quite.#Right, it is markup.}

::Short::Which property sets the text colour? {=color =colour}

::Pi::Give pi to two decimals {#3.14:0.005}

::Range::A number between 1 and 2 {#1..2}

::Multi numeric::When was HTML 2.0 published? {#
  =1995:0#Exactly.
  =%50%1995:1#Close.
}

The {~div =span ~section} element is inline.

::Essay::Explain the box model. {}

::Match::Match them {=p -> paragraph =a -> anchor}

Just a description with no answers.

::Escaped::What does \{ open in CSS\: a block? {=a rule\: yes ~a comment}
"""


def test_gift_maps_each_type():
    bank = parse(GIFT.encode(), format="gift")
    by_name = {q.name: q for q in bank.questions}
    tag = by_name["Tag"]
    assert tag.kind == "single_choice"
    assert tag.category == "Web basics"
    assert [(c.text, c.fraction) for c in tag.choices] == [("<a>", 1.0), ("<link>", 0.0), ("<href>", 0.0)]
    assert tag.choices[1].feedback == "That one goes in the head."
    assert tag.general_feedback == "Links are anchors."
    colours = by_name["Pick the colours"]
    assert colours.kind == "multiple_choice"
    assert [c.fraction for c in colours.choices] == [0.5, 0.5, -1.0]
    truth = by_name["Truth"]
    assert truth.kind == "true_false"
    assert [(c.text, c.fraction, c.feedback) for c in truth.choices] == [
        ("True", 0.0, "Not quite."),
        ("False", 1.0, "Right, it is markup."),
    ]
    short = by_name["Short"]
    assert short.kind == "short_text"
    assert [c.text for c in short.choices] == ["color", "colour"]
    pi = by_name["Pi"]
    assert pi.kind == "numeric"
    assert (pi.numeric[0].value, pi.numeric[0].tolerance) == (3.14, 0.005)
    span = by_name["Range"].numeric[0]
    assert (span.value, span.tolerance) == (1.5, 0.5)
    multi = by_name["Multi numeric"].numeric
    assert [(n.value, n.tolerance, n.fraction, n.feedback) for n in multi] == [
        (1995.0, 0.0, 1.0, "Exactly."),
        (1995.0, 1.0, 0.5, "Close."),
    ]
    missing = [q for q in bank.questions if q.stem.startswith("The _____")][0]
    assert missing.stem == "The _____ element is inline."
    assert missing.kind == "single_choice"
    escaped = by_name["Escaped"]
    assert escaped.stem == "What does { open in CSS: a block?"
    assert escaped.choices[0].text == "a rule: yes"
    skipped = {(s.name, s.source_type, s.code) for s in bank.skipped}
    assert skipped == {
        ("Essay", "essay", "not_mappable"),
        ("Match", "matching", "not_mappable"),
        ("Just a description with no answers.", "description", "not_mappable"),
    }
    # Positions count every question of the file, skipped ones included.
    assert sorted([q.index for q in bank.questions] + [s.index for s in bank.skipped]) == list(range(1, 13))


@pytest.mark.parametrize(
    ("text", "needle"),
    [
        ("::A::Broken {=yes ~no", "unbalanced"),
        ("::A::Two {=a ~b} blocks {=c ~d}", "more than one"),
        ("::A::Weight {~%abc%x =y}", "weight"),
        ("::A::Number {#three}", "not a number"),
        ("::A::Range {#2..1}", "range"),
        ("::A::Text first {yes =no}", "must start"),
    ],
)
def test_gift_malformed_files_are_refused_whole(text, needle):
    good = "::Fine::A fine question {=a ~b}\n\n"
    with pytest.raises(ImportSyntaxError) as raised:
        parse((good + text).encode(), format="gift")
    assert needle in raised.value.detail.lower()
    assert raised.value.line == 3


def test_gift_limits():
    limits = ImportLimits(max_questions=2, max_bytes=200, max_options=3)
    three = "\n\n".join(f"Q{k} {{=a ~b}}" for k in range(3))
    with pytest.raises(ImportSyntaxError) as raised:
        parse(three.encode(), format="gift", limits=limits)
    assert raised.value.code == "too_many"
    with pytest.raises(ImportSyntaxError) as raised:
        parse(b"x" * 201, format="gift", limits=limits)
    assert raised.value.code == "too_large"
    with pytest.raises(ImportSyntaxError) as raised:
        parse(b"Q {=a ~b ~c ~d}", format="gift", limits=limits)
    assert raised.value.code == "too_many"
    with pytest.raises(ImportSyntaxError) as raised:
        parse("Q {=a ~b}".encode("utf-16"), format="gift")
    assert raised.value.code == "invalid_unicode"


XML = """<?xml version="1.0" encoding="UTF-8"?>
<quiz>
  <question type="category"><category><text>$course$/Top/CSS</text></category></question>
  <question type="multichoice">
    <name><text>Selector</text></name>
    <questiontext format="html">
      <text><![CDATA[<p>Which selector matches <code>.a</code>?</p>]]></text>
    </questiontext>
    <generalfeedback format="html"><text>Classes start with a dot.</text></generalfeedback>
    <defaultgrade>2</defaultgrade>
    <penalty>0.3333333</penalty>
    <single>true</single>
    <shuffleanswers>0</shuffleanswers>
    <answer fraction="100" format="html"><text>a class selector</text>
      <feedback><text>Yes.</text></feedback></answer>
    <answer fraction="0" format="html"><text>an id selector</text>
      <feedback><text>No: #.</text></feedback></answer>
    <tags><tag><text>css</text></tag><tag><text>selectors</text></tag></tags>
  </question>
  <question type="multichoice">
    <name><text>Inline elements</text></name>
    <questiontext format="html"><text>Which are inline?</text></questiontext>
    <single>false</single>
    <answer fraction="50"><text>span</text></answer>
    <answer fraction="50"><text>a</text></answer>
    <answer fraction="-100"><text>div</text></answer>
  </question>
  <question type="truefalse">
    <name><text>Cascade</text></name>
    <questiontext format="html"><text>Later rules win when specificity ties.</text></questiontext>
    <answer fraction="100"><text>true</text><feedback><text>Right.</text></feedback></answer>
    <answer fraction="0"><text>false</text><feedback><text>No.</text></feedback></answer>
  </question>
  <question type="shortanswer">
    <name><text>Property</text></name>
    <questiontext format="moodle_auto_format"><text>Property for the text colour?</text></questiontext>
    <usecase>1</usecase>
    <answer fraction="100"><text>color</text></answer>
    <answer fraction="50"><text>colour</text>
      <feedback><text>British spelling is not CSS.</text></feedback></answer>
  </question>
  <question type="numerical">
    <name><text>Pixels</text></name>
    <questiontext format="html"><text>1in is how many px?</text></questiontext>
    <answer fraction="100"><text>96</text><tolerance>0</tolerance></answer>
    <answer fraction="0"><text>*</text></answer>
    <units><unit><multiplier>1</multiplier><unit_name>px</unit_name></unit></units>
  </question>
  <question type="ordering">
    <name><text>Box model</text></name>
    <questiontext format="html"><text>Order from inside out.</text></questiontext>
    <answer fraction="1"><text>content</text></answer>
    <answer fraction="2"><text>padding</text></answer>
    <answer fraction="3"><text>border</text></answer>
    <answer fraction="4"><text>margin</text></answer>
  </question>
  <question type="essay">
    <name><text>Explain</text></name>
    <questiontext format="html"><text>Explain flexbox.</text></questiontext>
  </question>
  <question type="multianswer">
    <name><text>Cloze</text></name>
    <questiontext format="html"><text>{1:SHORTANSWER:=x}</text></questiontext>
  </question>
  <question type="matching">
    <name><text>Pairs</text></name>
    <questiontext format="html"><text>Match.</text></questiontext>
  </question>
</quiz>
"""


def test_moodle_xml_maps_each_type():
    bank = parse(XML.encode(), format="moodle_xml")
    by_name = {q.name: q for q in bank.questions}
    selector = by_name["Selector"]
    assert selector.kind == "single_choice"
    assert selector.points == 2.0
    assert selector.category == "Top/CSS"
    assert selector.tags == ("css", "selectors")
    assert selector.stem.startswith("<p>Which selector")
    assert selector.shuffle is False
    assert [(c.text, c.fraction, c.feedback) for c in selector.choices] == [
        ("a class selector", 1.0, "Yes."),
        ("an id selector", 0.0, "No: #."),
    ]
    assert any("penalty" in d for d in selector.dropped)
    inline = by_name["Inline elements"]
    assert inline.kind == "multiple_choice"
    assert [c.fraction for c in inline.choices] == [0.5, 0.5, -1.0]
    cascade = by_name["Cascade"]
    assert cascade.kind == "true_false"
    assert [(c.text, c.fraction) for c in cascade.choices] == [("True", 1.0), ("False", 0.0)]
    prop = by_name["Property"]
    assert (prop.kind, prop.case_sensitive, prop.stem_format) == ("short_text", True, "text")
    assert [(c.text, c.fraction) for c in prop.choices] == [("color", 1.0), ("colour", 0.5)]
    pixels = by_name["Pixels"]
    assert pixels.kind == "numeric"
    assert [(n.value, n.tolerance) for n in pixels.numeric] == [(96.0, 0.0)]
    assert any("Units" in d for d in pixels.dropped)
    assert any("catch-all" in d for d in pixels.dropped)
    assert by_name["Box model"].order == ("content", "padding", "border", "margin")
    assert {(s.name, s.source_type, s.code) for s in bank.skipped} == {
        ("Explain", "essay", "not_mappable"),
        ("Cloze", "multianswer", "not_mappable"),
        ("Pairs", "matching", "not_mappable"),
    }
    assert [q.index for q in bank.questions] == [1, 2, 3, 4, 5, 6]


BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>
<quiz><question type="essay"><name><text>&lol2;</text></name></question></quiz>"""
EXTERNAL = b"""<?xml version="1.0"?>
<!DOCTYPE quiz [<!ENTITY secret SYSTEM "file:///etc/passwd">]>
<quiz><question type="essay"><name><text>&secret;</text></name></question></quiz>"""


@pytest.mark.parametrize("data", [BILLION_LAUGHS, EXTERNAL])
def test_moodle_xml_refuses_entities(data):
    with pytest.raises(ImportSyntaxError) as raised:
        parse(data, format="moodle_xml")
    assert raised.value.code == "forbidden_xml"


@pytest.mark.parametrize(
    ("data", "needle"),
    [
        (b"<quiz><question type='multichoice'>", "well-formed"),
        (b"<notquiz/>", "root element"),
        (
            b"<quiz><question type='numerical'><questiontext><text>x</text></questiontext>"
            b"<answer fraction='100'><text>ninety</text></answer></question></quiz>",
            "not a number",
        ),
        (
            b"<quiz><question type='multichoice'><questiontext><text>x</text></questiontext>"
            b"<answer fraction='250'><text>a</text></answer><answer><text>b</text></answer>"
            b"</question></quiz>",
            "outside",
        ),
        (
            b"<quiz><question type='truefalse'><questiontext><text>x</text></questiontext></question></quiz>",
            "true/false",
        ),
        (
            b"<quiz><question type='multichoice'><questiontext><text> </text></questiontext>"
            b"</question></quiz>",
            "empty",
        ),
    ],
)
def test_moodle_xml_malformed_files_are_refused_whole(data, needle):
    with pytest.raises(ImportSyntaxError) as raised:
        parse(data, format="moodle_xml")
    assert needle in raised.value.detail.lower()


def test_moodle_xml_limits():
    with pytest.raises(ImportSyntaxError) as raised:
        parse(
            b"<quiz>" + b"<x/>" * 50 + b"</quiz>",
            format="moodle_xml",
            limits=ImportLimits(max_xml_elements=20),
        )
    assert raised.value.code == "too_large"
    long_text = (
        b"<quiz><question type='essay'><name><text>" + b"n" * 500 + b"</text></name></question></quiz>"
    )
    with pytest.raises(ImportSyntaxError) as raised:
        parse(long_text, format="moodle_xml", limits=ImportLimits(max_text_chars=100))
    assert raised.value.code == "too_long"
    with pytest.raises(ImportSyntaxError) as raised:
        parse(b"<quiz/>", format="csv")
    assert raised.value.code == "unknown_format"


def test_a_choice_question_without_a_right_answer_is_reported_not_imported():
    data = (
        b"<quiz><question type='multichoice'><name><text>None right</text></name>"
        b"<questiontext><text>x</text></questiontext>"
        b"<answer fraction='0'><text>a</text></answer><answer fraction='0'><text>b</text></answer>"
        b"</question></quiz>"
    )
    bank = parse(data, format="moodle_xml")
    assert bank.questions == ()
    assert [(s.name, s.code) for s in bank.skipped] == [("None right", "no_correct_option")]


GIFT_ALPHABET = st.sampled_from(list("{}=~#%:.\\-> \n\tab1$[]/") + ["::", "####", "CATEGORY", "T", "%50%"])


@settings(max_examples=300, deadline=None)
@given(st.lists(GIFT_ALPHABET, max_size=60).map("".join))
def test_gift_any_text_parses_or_is_refused_cleanly(text):
    try:
        bank = parse(text.encode(), format="gift")
    except ImportSyntaxError as exc:
        assert exc.detail and exc.code
        return
    for question in bank.questions:
        assert question.stem and question.kind


XML_PIECES = st.sampled_from(
    [
        "<quiz>",
        "</quiz>",
        "<question type='multichoice'>",
        "<question type='numerical'>",
        "<question type='truefalse'>",
        "<question type='ordering'>",
        "</question>",
        "<questiontext><text>x</text></questiontext>",
        "<answer fraction='100'><text>a</text></answer>",
        "<answer fraction='x'><text>1</text></answer>",
        "<answer><text>true</text></answer>",
        "<defaultgrade>z</defaultgrade>",
        "<single>false</single>",
        "<name><text>n</text></name>",
        "<tolerance>q</tolerance>",
        "&amp;",
        "<",
    ]
)


@settings(max_examples=300, deadline=None)
@given(st.lists(XML_PIECES, max_size=25).map("".join))
def test_moodle_xml_any_document_parses_or_is_refused_cleanly(text):
    try:
        parse(text.encode(), format="moodle_xml")
    except ImportSyntaxError as exc:
        assert exc.detail and exc.code
