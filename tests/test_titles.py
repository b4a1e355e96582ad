import pytest

from wiki.errors import InvalidTitle
from wiki.text import titles
from wiki.text.titles import NS_CATEGORY, NS_HELP, NS_MAIN, NS_TALK, NS_USER, NS_USER_TALK, Title


@pytest.mark.parametrize(
    ("raw", "ns", "text"),
    [
        ("Main Page", NS_MAIN, "Main Page"),
        ("main_page", NS_MAIN, "Main page"),
        ("  Main   Page  ", NS_MAIN, "Main Page"),
        ("Talk:Foo", NS_TALK, "Foo"),
        ("talk:foo_bar", NS_TALK, "Foo bar"),
        ("Pembicaraan:Kebijakan", NS_TALK, "Kebijakan"),
        ("Pengguna:budi", NS_USER, "Budi"),
        ("Pembicaraan Pengguna:Budi", NS_USER_TALK, "Budi"),
        ("Pembicaraan_Pengguna:Budi", NS_USER_TALK, "Budi"),
        ("Kategori:Kebijakan publik", NS_CATEGORY, "Kebijakan publik"),
        ("Bantuan:Menyunting", NS_HELP, "Menyunting"),
        ("Nonexistent:Foo", NS_MAIN, "Nonexistent:Foo"),
        (":Talk", NS_MAIN, "Talk"),
        ("ünïcode", NS_MAIN, "Ünïcode"),
    ],
)
def test_parse_normalises(raw: str, ns: int, text: str) -> None:
    t = titles.parse(raw)
    assert (t.ns, t.text) == (ns, text)


def test_key_and_full() -> None:
    t = titles.parse("user talk:budi santoso")
    assert t.full == "User talk:Budi santoso"
    assert t.key == "User_talk:Budi_santoso"
    assert t.talk() == t
    assert t.subject() == Title(NS_USER, "Budi santoso")
    assert titles.parse("Foo").talk() == Title(NS_TALK, "Foo")


@pytest.mark.parametrize(
    ("raw", "rule"),
    [
        ("", "empty"),
        ("   ", "empty"),
        ("Talk:", "empty"),
        ("A#b", "forbidden character: #"),
        ("A<b", "forbidden character: <"),
        ("A>b", "forbidden character: >"),
        ("A[b", "forbidden character: ["),
        ("A]b", "forbidden character: ]"),
        ("A|b", "forbidden character: |"),
        ("A{b", "forbidden character: {"),
        ("A}b", "forbidden character: }"),
        ("A\x07b", "forbidden character"),
        ("x" * 256, "longer than 255 bytes"),
        ("é" * 128, "longer than 255 bytes"),
        (".", "relative"),
        ("../etc", "relative"),
        ("a/../b", "relative"),
        ("Sign ~~~", "tildes"),
    ],
)
def test_invalid_titles_say_which_rule(raw: str, rule: str) -> None:
    with pytest.raises(InvalidTitle) as info:
        titles.parse(raw)
    assert rule in info.value.message


def test_max_length_is_in_bytes() -> None:
    assert titles.parse("x" * 255).text == "X" + "x" * 254
