"""The talk-page thread format (wiki.talk.threads): parse, comment ids, replies, signatures.
Pure."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from wiki.talk import comments, signatures, threads
from wiki.text import markup

WHEN = datetime(2026, 12, 1, 9, 30, 15, tzinfo=UTC)
BUDI = "[[User:Budi|Budi]] 2026-11-29 12:30:05 (UTC)"
SARI = "[[User:Sari|Sari]] 2026-11-29 12:45:00 (UTC)"
IP = "[[Special:Contributions/203.0.113.5|203.0.113.5]] 2026-11-29 13:00 (UTC)"
ANI = "[[User:Ani|Ani]] 2026-11-29 14:00:00 (UTC)"

PAGE = f"""This page is for discussing the explainer.

## Budget

The budget grew 10%? — {BUDI}
* The source says 8%. — {SARI}
  * Thanks! — {IP}
* Agree. — {ANI}

```
quoted — [[User:X|X]] 2026-11-29 15:00:00 (UTC)
```

## Other topic

Nobody signed this.
"""


def signed(text: str, name: str = "Rudi", anonymous: bool = False) -> str:
    body = threads.prepare(text, name, anonymous=anonymous, when=WHEN)
    return threads.sign(body, name, anonymous=anonymous, when=WHEN)


# --- parse ----------------------------------------------------------------------------------------


def test_parse_topics_comments_depths_and_parents() -> None:
    thread = threads.parse(PAGE)
    assert [(t.id, t.heading, t.level) for t in thread.topics] == [
        ("", "", 0),
        ("h-Budi-20261129123005", "Budget", 2),
        ("h-other-topic", "Other topic", 2),
    ]
    comments = [(c.id, c.author, c.anonymous, c.depth, c.parent) for c in thread.comments]
    assert comments == [
        ("c-Budi-20261129123005", "Budi", False, 0, None),
        ("c-Sari-20261129124500", "Sari", False, 1, "c-Budi-20261129123005"),
        ("c-203.0.113.5-20261129130000", "203.0.113.5", True, 2, "c-Sari-20261129124500"),
        ("c-Ani-20261129140000", "Ani", False, 1, "c-Budi-20261129123005"),
    ]
    assert all(c.topic == "h-Budi-20261129123005" for c in thread.comments)
    budi = thread.comments[0]
    assert (budi.start, budi.end) == (4, 5)
    assert thread.text(budi) == "The budget grew 10%?"
    assert thread.starts_topic(budi) and not thread.starts_topic(thread.comments[1])


def test_signature_forms() -> None:
    find = signatures.find_signature
    sig = find("Yes. — [[Pengguna:Budi S|Budi S]] 2026-11-29 12:30 (UTC)")
    assert sig and (sig.author, sig.anonymous) == ("Budi S", False)
    assert sig.timestamp == datetime(2026, 11, 29, 12, 30, tzinfo=UTC)
    sig = find("[[Istimewa:Kontribusi/2001:db8::1|2001:db8::1]] 2026-11-29 12:30:00 (UTC)")
    assert sig and sig.anonymous and sig.author == "2001:db8::1"
    assert find("[[User talk:Sari|talk]] 2026-11-29 12:30:00 (UTC)  ").author == "Sari"  # type: ignore[union-attr]
    assert find("No link, 2026-11-29 12:30:00 (UTC)") is None
    assert find("[[Main Page]] 2026-11-29 12:30:00 (UTC)") is None
    assert find("[[User:Budi]] 2026-02-30 12:30:00 (UTC)") is None  # no such day
    assert find("[[User:Budi]] 2026-11-29 12:30:00 (UTC) and more") is None  # not at the end
    far = "[[User:Budi]]" + " words" * 30 + " 2026-11-29 12:30:00 (UTC)"
    assert find(far) is None


def test_repeated_signatures_get_numbered_ids() -> None:
    text = f"## A\n\nOne — {BUDI}\n* Two — {BUDI}\n\n## B\n\nThree — {BUDI}\n"
    ids = [c.id for c in threads.parse(text).comments]
    base = "c-Budi-20261129123005"
    assert ids == [base, f"{base}-2", f"{base}-3"]
    assert [t.id for t in threads.parse(text).topics[1:]] == [f"h-{base[2:]}", f"h-{base[2:]}-2"]


def test_multi_paragraph_comment_and_unsigned_tail() -> None:
    text = f"## T\n\nFirst paragraph.\n\nSecond paragraph. — {BUDI}\n\nUnsigned after it.\n"
    thread = threads.parse(text)
    (comment,) = thread.comments
    assert (comment.start, comment.end) == (2, 5)
    assert thread.text(comment) == "First paragraph.\n\nSecond paragraph."


# --- replies --------------------------------------------------------------------------------------


def test_reply_goes_after_earlier_replies_one_level_deeper() -> None:
    new, line = threads.insert_reply(PAGE, "c-Budi-20261129123005", signed("Late to this."))
    lines = new.split("\n")
    assert lines[line] == "* Late to this. — [[User:Rudi|Rudi]] 2026-12-01 09:30:15 (UTC)"
    assert lines[line - 1].startswith("* Agree.")  # after Ani's reply, the last one to Budi
    comment = threads.comment_at(new, line)
    assert (comment.id, comment.depth, comment.parent) == (
        "c-Rudi-20261201093015",
        1,
        "c-Budi-20261129123005",
    )
    # Every other comment is untouched.
    before = {c.id: c.depth for c in threads.parse(PAGE).comments}
    after = {c.id: c.depth for c in threads.parse(new).comments}
    assert after == {**before, "c-Rudi-20261201093015": 1}


def test_reply_to_a_reply_is_nested_under_it() -> None:
    new, line = threads.insert_reply(PAGE, "c-203.0.113.5-20261129130000", signed("Welcome."))
    assert new.split("\n")[line].startswith("    * Welcome. — ")
    assert threads.comment_at(new, line).parent == "c-203.0.113.5-20261129130000"
    html = markup.render(new).html
    assert html.count("<ul>") == 3  # replies, their replies, and this one's


def test_multi_paragraph_reply_with_code_keeps_the_thread() -> None:
    body = "Two points.\n\nSecond, with code:\n\n```\nx = 1\n```"
    new, line = threads.insert_reply(PAGE, "c-Sari-20261129124500", signed(body))
    comment = threads.comment_at(new, line)
    assert comment.depth == 2 and comment.parent == "c-Sari-20261129124500"
    ids = [c.id for c in threads.parse(new).comments]
    assert ids.index("c-Rudi-20261201093015") == ids.index("c-203.0.113.5-20261129130000") + 1
    assert "<pre><code>x = 1\n</code></pre>" in markup.render(new).html


def test_reply_before_a_paragraph_keeps_it_out_of_the_list() -> None:
    text = f"## T\n\nA — {BUDI}\nB — {SARI}\n"
    new, line = threads.insert_reply(text, "c-Budi-20261129123005", signed("Reply"))
    assert new.split("\n")[line + 1] == ""
    thread = threads.parse(new)
    assert [(c.author, c.depth) for c in thread.comments] == [("Budi", 0), ("Rudi", 1), ("Sari", 0)]


def test_reply_to_a_missing_comment() -> None:
    with pytest.raises(threads.CommentNotFound):
        threads.insert_reply(PAGE, "c-Nobody-20200101000000", signed("Hello"))


def test_new_topic_is_appended_and_closes_an_open_fence() -> None:
    new, line = threads.add_topic(PAGE, "  ## Sources  ", signed("Which ones?"))
    assert new.endswith("## Sources\n\nWhich ones? — [[User:Rudi|Rudi]] 2026-12-01 09:30:15 (UTC)")
    comment = threads.comment_at(new, line)
    assert comment.depth == 0 and threads.parse(new).starts_topic(comment)
    broken = "## T\n\n```\nnever closed"
    new, line = threads.add_topic(broken, "Next", signed("Hi"))
    assert threads.parse(new).topics[-1].heading == "Next"
    assert threads.comment_at(new, line).author == "Rudi"


# --- preparing and signing ------------------------------------------------------------------------


def test_prepare_refuses_empty_and_drops_a_trailing_signature() -> None:
    for empty in ("", "  \n\n ", "~~~~", " -- ~~~~ "):
        with pytest.raises(threads.EmptyComment):
            threads.prepare(empty, "Rudi", anonymous=False, when=WHEN)
    assert threads.prepare("Thanks ~~~~", "Rudi", anonymous=False, when=WHEN) == "Thanks"


def test_prepare_escapes_what_would_break_the_thread() -> None:
    text = "- starts like a list\n## not a heading\n===\nlooks signed — " + BUDI + "\n```\ncode"
    out = threads.prepare(text, "Rudi", anonymous=False, when=WHEN).split("\n")
    assert out[0] == "\\- starts like a list"
    assert out[1] == "\\## not a heading"
    assert out[2] == "\\==="
    assert out[3].endswith("\\(UTC)") and signatures.find_signature(out[3]) is None
    assert out[-1] == "```"  # the open fence is closed
    body = signed(text)
    new, _ = threads.insert_reply(PAGE, "c-Budi-20261129123005", body)
    assert len(threads.parse(new).comments) == 5
    assert [t.heading for t in threads.parse(new).topics] == ["", "Budget", "Other topic"]


def test_sign_inline_after_a_paragraph_else_on_its_own_line() -> None:
    sig = "[[User:Rudi|Rudi]] 2026-12-01 09:30:15 (UTC)"
    assert signed("Plain.") == f"Plain. — {sig}"
    assert signed("- a\n- b") == f"\\- a\n- b\n\n— {sig}"
    assert signed("```\ncode\n```") == f"```\ncode\n```\n\n— {sig}"
    ip = signed("Hi", "203.0.113.9", anonymous=True)
    assert ip.endswith(
        "[[Special:Contributions/203.0.113.9|203.0.113.9]] 2026-12-01 09:30:15 (UTC)"
    )


def test_tildes_expand_outside_code() -> None:
    text = "Me: ~~~, at ~~~~~. Signed ~~~~\n`~~~~` stays\n```\n~~~~\n```"
    out = threads.expand_tildes(text, "Rudi", anonymous=False, when=WHEN).split("\n")
    assert out[0] == (
        "Me: [[User:Rudi|Rudi]], at 2026-12-01 09:30:15 (UTC). "
        "Signed [[User:Rudi|Rudi]] 2026-12-01 09:30:15 (UTC)"
    )
    assert out[1:] == ["`~~~~` stays", "```", "~~~~", "```"]


# --- signing what the editor left unsigned --------------------------------------------------------


def presave(old: str, new: str) -> str:
    return threads.presave(old, new, "Rudi", anonymous=False, when=WHEN)


SIG = " — [[User:Rudi|Rudi]] 2026-12-01 09:30:15 (UTC)"


def test_presave_signs_a_new_unsigned_reply_and_topic() -> None:
    reply = PAGE.replace(f"* Agree. — {ANI}", f"* Agree. — {ANI}\n* Me too, unsigned")
    assert presave(PAGE, reply) == reply.replace("* Me too, unsigned", "* Me too, unsigned" + SIG)
    topic = PAGE + "\n## New one\n\nFirst line.\nSecond line.\n"
    out = presave(PAGE, topic)
    assert out.rstrip().endswith("First line.\nSecond line." + SIG)
    assert threads.parse(out).comments[-1].author == "Rudi"


def test_presave_leaves_signed_edited_and_structural_text_alone() -> None:
    signed_reply = PAGE.replace(f"* Agree. — {ANI}", f"* Agree. — {ANI}\n* Signed. ~~~~")
    assert presave(PAGE, signed_reply) == signed_reply.replace("~~~~", SIG[3:])
    inside = PAGE.replace("The budget grew 10%?", "The budget (total)\ngrew 10%?")
    assert presave(PAGE, inside) == inside  # an edit inside Budi's comment is not a new comment
    fixed = PAGE.replace("The budget grew 10%?", "The budget grew 12%?")
    assert presave(PAGE, fixed) == fixed
    structure = PAGE + "\n## Heading only\n\n[[Category:Talk]]\n"
    assert presave(PAGE, structure) == structure
    removed = PAGE.replace(f"* Agree. — {ANI}\n", "")
    assert presave(PAGE, removed) == removed


def test_presave_signs_the_first_comment_of_a_new_page_and_after_code() -> None:
    assert presave("", "Hello there") == "Hello there" + SIG
    out = presave("", "Look:\n\n```\ncode\n```")
    assert out == "Look:\n\n```\ncode\n```\n\n— " + SIG[3:]
    assert len(threads.parse(out).comments) == 1


# --- mentions, new comments, HTML -----------------------------------------------------------------


def test_mentions() -> None:
    text = (
        "Ping @sari and @Budi_S, [[User:Ani|Ani]], [[Pengguna:Dewi]], again @sari.\n"
        "Not me@example.org, not `@code`, not [[User talk:Tono]] — " + BUDI
    )
    thread = threads.parse(text)
    assert comments.mentions(thread, thread.comments[0]) == ["Sari", "Budi S", "Ani", "Dewi"]


def test_new_comments() -> None:
    reply, _ = threads.insert_reply(PAGE, "c-Budi-20261129123005", signed("New"))
    assert [c.id for c in comments.new_comments(PAGE, reply)] == ["c-Rudi-20261201093015"]
    assert comments.new_comments(reply, PAGE) == []


def test_annotate_html_marks_signatures_not_code() -> None:
    thread = threads.parse(PAGE)
    html = markup.render(PAGE).html
    seen: list[str] = []

    def tools(comment: threads.Comment) -> str:
        seen.append(comment.id)
        return f"<a id='{comment.id}'>{comment.stamp}</a>"

    out = comments.annotate_html(html, thread, tools)
    assert seen == [c.id for c in thread.comments]
    assert "quoted — [[User:X|X]] 2026-11-29 15:00:00 (UTC)" in out  # the code block is intact
    assert out.count("<a id=") == 4
