import pytest

from wiki.errors import BadInput
from wiki.text import sections

TEXT = """Lead paragraph.

## Latar belakang

Kebijakan ini dibuat pada 2020.

### Rincian

Detail.

## Dampak

```
## not a heading
```

Dampaknya luas.
"""


def test_find_sections_like_mediawiki() -> None:
    lead = sections.find(TEXT, 0)
    assert (lead.start, lead.end, lead.heading) == (0, 2, "")
    first = sections.find(TEXT, 1)
    assert first.heading == "Latar belakang"
    _, body = sections.extract(TEXT, 1)
    assert body.startswith("## Latar belakang") and "Detail." in body and "Dampak" not in body
    _, sub = sections.extract(TEXT, 2)
    assert sub == "### Rincian\n\nDetail."
    _, last = sections.extract(TEXT, 3)
    assert "## not a heading" in last and last.endswith("Dampaknya luas.")
    with pytest.raises(BadInput):
        sections.find(TEXT, 4)


def test_replace_keeps_the_rest() -> None:
    new = sections.replace(TEXT, 2, "### Rincian baru\n\nDetail lain.")
    assert "### Rincian baru\n\nDetail lain.\n\n## Dampak" in new
    assert new.startswith("Lead paragraph.\n\n## Latar belakang\n\nKebijakan")
    assert sections.replace(TEXT, 0, "New lead.").startswith("New lead.\n\n## Latar")
    removed = sections.replace(TEXT, 3, "")
    assert "Dampak" not in removed and "Detail." in removed


def test_summary_prefix() -> None:
    assert sections.summary_prefix("Dampak") == "/* Dampak */ "
    assert sections.summary_prefix("") == ""
