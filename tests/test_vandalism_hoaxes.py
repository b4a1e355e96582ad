# ruff: noqa: E501  (the test page is data; wrapping its lines would change it)
"""Vandalism model v2 (issue 21): hoax signals with their evidence, fairness to newcomers,
calibration, and the development set the committed model is measured on.

The development set (``tests/data/vandalism-dev``, CC0, see its README) was written
independently of the scorer; the model is never trained on it. The test recomputes the dev
figures committed in ``model-v2.json`` and fails if they drop.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from starlette.testclient import TestClient

from tests.conftest import edit
from tests.patrolkit import browser, save, text_of
from wiki.db import Database
from wiki.models import Revision
from wiki.patrol import scoring
from wiki.vandalism import Edit, badge, score
from wiki.vandalism.claims import analyse, domain_is_lookalike, summary_gives_reason
from wiki.vandalism.evaluation import rate_at, read_dev_set, roc_auc
from wiki.vandalism.features import extract_all
from wiki.vandalism.model import load_model, split
from wiki.web.templating import evidence_marks

DEV = Path(__file__).resolve().parent / "data" / "vandalism-dev" / "edits.jsonl"

PAGE = """# Bantuan Bibit Desa Sukamekar

**Bantuan bibit** diberikan kepada petani penggarap di Desa Sukamekar.

## Syarat

Penerima harus memiliki lahan paling luas 2 hektare dan terdaftar di kelompok tani.[^1] Bantuan tidak wajib dikembalikan setelah panen.[^2]

| Jenis | Jumlah per petani |
|---|---|
| Padi | 25 kg |
| Jagung | 15 kg |

## Pendaftaran

Pendaftaran dibuka setiap Maret di kantor desa tanpa biaya.[^3] Petugas penyuluh memeriksa data lahan sebelum bibit dibagikan.[^3]

[^1]: Peraturan Desa Sukamekar Nomor 4 Tahun 2023.
[^2]: Dinas Pertanian Kabupaten, pedoman bantuan 2023.
[^3]: Pemerintah Desa Sukamekar, pengumuman 2024.
"""


def _signals(new: str, summary: str = "") -> dict[str, float]:
    features, _claims = extract_all(Edit(PAGE, new, summary, is_anonymous=True))
    return features


def test_number_changed_under_an_unchanged_footnote_names_the_numbers() -> None:
    new = PAGE.replace("paling luas 2 hektare", "paling luas 20 hektare")
    claims = analyse(PAGE, new, "typo", "")
    assert claims.features["number_changed_sourced"] == 1
    evidence = claims.first("number_changed_sourced")
    assert evidence is not None and (evidence.old, evidence.new) == ("2", "20")
    scored = score(Edit(PAGE, new, "typo", is_anonymous=True))
    reason = next(r for r in scored.reasons if r.code == "number_changed_sourced")
    assert reason.message(lambda s: s) == (
        "number 2 → 20 in a sentence whose source did not change"
    )
    assert reason.marks == ("20", "2")


def test_a_number_updated_with_a_new_source_is_no_falsification() -> None:
    new = PAGE.replace(
        "paling luas 2 hektare dan terdaftar di kelompok tani.[^1]",
        "paling luas 3 hektare dan terdaftar di kelompok tani.[^4]",
    ).replace(
        "[^3]: Pemerintah Desa Sukamekar, pengumuman 2024.\n",
        "[^3]: Pemerintah Desa Sukamekar, pengumuman 2024.\n"
        "[^4]: Peraturan Desa Sukamekar Nomor 2 Tahun 2025.\n",
    )
    f = _signals(new, "batas lahan baru, sumber perdes 2025")
    assert f["number_changed_sourced"] == 0 and f["number_changed_unsourced"] == 0


def test_a_table_figure_changed_without_any_source() -> None:
    new = PAGE.replace("| Padi | 25 kg |", "| Padi | 250 kg |")
    claims = analyse(PAGE, new, "update", "")
    assert claims.features["number_changed_unsourced"] == 1
    evidence = claims.first("number_changed_unsourced")
    assert evidence is not None and (evidence.old, evidence.new) == ("25", "250")


def test_negation_flip_in_both_directions() -> None:
    dropped = PAGE.replace("Bantuan tidak wajib dikembalikan", "Bantuan wajib dikembalikan")
    claims = analyse(PAGE, dropped, "typo", "")
    assert claims.features["negation_flipped"] == 1
    flip = claims.first("negation_flipped")
    assert flip is not None and "tidak wajib" in flip.old and "tidak" not in flip.new
    added = PAGE.replace("Petugas penyuluh memeriksa", "Petugas penyuluh tidak memeriksa")
    assert analyse(PAGE, added, "", "").features["negation_flipped"] == 1
    # A sentence that grows a whole new clause with a "jangan" is no flip.
    grown = PAGE.replace(
        "tanpa biaya.[^3]", "tanpa biaya; jangan membayar siapa pun yang meminta uang.[^3]"
    )
    assert analyse(PAGE, grown, "", "").features["negation_flipped"] == 0


def test_sourced_removal_needs_a_reason_in_the_summary() -> None:
    new = PAGE.replace(" Bantuan tidak wajib dikembalikan setelah panen.[^2]", "")
    assert _signals(new, "rapikan")["sourced_removed"] == 1
    assert _signals(new, "")["sourced_removed"] == 1
    reasoned = "hapus: pedoman dinas tidak menyebut hal ini, sumber salah kutip"
    assert _signals(new, reasoned)["sourced_removed"] == 0
    row = PAGE.replace("| Jagung | 15 kg |\n", "")
    assert _signals(row, "ringkas")["sourced_removed"] == 1
    assert summary_gives_reason("rv") and not summary_gives_reason("hapus paragraf")


def test_new_claim_without_footnote_among_sourced_claims() -> None:
    new = PAGE.replace(
        "kelompok tani.[^1]",
        "kelompok tani.[^1] Petani yang sudah lunas pajak akan mendapat bibit dua kali lipat.",
    )
    claims = analyse(PAGE, new, "", "")
    assert claims.features["unsourced_claims"] == 1
    evidence = claims.first("unsourced_claims")
    assert evidence is not None and evidence.new.startswith("Petani yang sudah lunas")


@pytest.mark.parametrize(
    ("domain", "lookalike"),
    [
        ("prakerja-go.id", True),
        ("sikp-kemenkeu.com", True),
        ("bansos.go.id.info", True),
        ("kemensos-goid.site", True),
        ("prakerja.go.id", False),
        ("bps.go.id", False),
        ("kompas.com", False),
        ("ui.ac.id", False),
    ],
)
def test_lookalike_domains(domain: str, lookalike: bool) -> None:
    assert domain_is_lookalike(domain) is lookalike


def test_links_lookalike_shortener_and_official() -> None:
    lookalike = PAGE.replace(
        "di kantor desa tanpa biaya.", "di [situs resmi](https://bansos-go.id/daftar)."
    )
    f = _signals(lookalike, "tambah link")
    assert f["lookalike_links"] == 1
    short = PAGE.replace("di kantor desa tanpa biaya.", "lewat https://bit.ly/bibit-desa.")
    assert _signals(short)["risky_links"] == 1
    official = PAGE.replace("di kantor desa tanpa biaya.", "di https://sukamekar.desa.id/daftar.")
    g = _signals(official)
    assert g["official_links"] == 1 and g["lookalike_links"] == 0


def test_hoax_and_scam_formulas_but_not_when_refuted() -> None:
    claim = "Menurut sumber terpercaya, pendaftar wajib membayar biaya pendaftaran Rp50.000."
    stated = PAGE.replace("tanpa biaya.[^3]", f"tanpa biaya.[^3] {claim}")
    f = _signals(stated)
    assert f["hoax_words"] >= 1 and f["scam_words"] >= 1
    refuted = PAGE.replace(
        "tanpa biaya.[^3]",
        f'tanpa biaya.[^3] Pesan berantai "{claim}" adalah hoaks.[^3]',
    )
    g = _signals(refuted)
    assert g["hoax_words"] == 0 and g["scam_words"] == 0 and g["debunks"] == 1


def test_praise_of_a_named_person_counts_only_when_someone_is_named() -> None:
    praise = PAGE.replace(
        "tanpa biaya.[^3]", "tanpa biaya.[^3] Berkat kepemimpinan Bupati Hendra yang visioner."
    )
    assert _signals(praise)["pov_words"] >= 1
    plain = PAGE.replace("tanpa biaya.[^3]", "tanpa biaya.[^3] Hasil panen tahun ini luar biasa.")
    assert _signals(plain)["pov_words"] == 0


def test_reasons_in_indonesian_name_the_changed_text(client: TestClient) -> None:
    # Through the real catalogue: the message is translated and the numbers are filled in.
    new = PAGE.replace("paling luas 2 hektare", "paling luas 20 hektare")
    assert edit(client, "Bibit", PAGE, summary="buat").status_code == 303
    save(browser(client.app, "198.51.100.9"), "Bibit", new, summary="typo")
    page = client.get("/wiki/Bibit?diff=2&oldid=1&uselang=id").text
    assert "angka 2 → 20 di kalimat yang sumbernya tidak berubah" in text_of(page)
    # The diff itself highlights the changed number (not the "2" of a footnote marker).
    assert '<mark class="vandalism-evidence">20</mark>' in page
    assert '<mark class="vandalism-evidence">2</mark>' in page
    assert '[^<mark class="vandalism-evidence">2</mark>]' not in page
    en = client.get("/wiki/Bibit?diff=2&oldid=1&uselang=en").text
    assert "number 2 → 20 in a sentence whose source did not change" in text_of(en)
    assert "content: " in text_of(en) and "editor: " in text_of(en)


def test_evidence_marks_escape_and_only_mark_what_was_asked() -> None:
    out = evidence_marks("a <b> 60 → 600", ["600", "<b>"])
    assert str(out) == (
        'a <mark class="vandalism-evidence">&lt;b&gt;</mark> 60 → '
        '<mark class="vandalism-evidence">600</mark>'
    )
    assert evidence_marks("nothing here", ["600"]) == "nothing here"
    assert evidence_marks("6000 and [^600]", ["600"]) == "6000 and [^600]"
    assert evidence_marks("x", None) == "x"


# --- fairness to newcomers ----------------------------------------------------------------


def test_editor_facts_never_carry_an_edit_over_the_badge_alone() -> None:
    model = load_model()
    unremarkable = PAGE.replace("di kantor desa", "di balai desa")
    veteran = Edit(PAGE, unremarkable, "", account_age_days=2000, edit_count=5000)
    newcomer = Edit(PAGE, unremarkable, "", is_anonymous=True, recent_reverts=5)
    old, new = score(veteran), score(newcomer)
    assert badge(new.score) != "bad"
    assert new.content == pytest.approx(old.content)
    assert new.editor > old.editor  # editor facts may raise the score ...
    assert new.score == pytest.approx(new.content + new.editor)
    # ... but whatever they add, an edit whose content is unremarkable stays below the badge.
    contributions = model.contributions(extract_all(newcomer)[0])
    contributions["recent_reverts"] = 50.0
    value, content, _editor = split(model, contributions)
    assert content < model.thresholds["bad"] and value < model.thresholds["bad"]
    editor_reasons = [r for r in new.reasons if r.group == "editor"]
    assert editor_reasons and all(
        r.code in ("new_author", "author_reverted") for r in editor_reasons
    )


def test_a_brand_new_ip_with_an_unremarkable_edit_is_not_badged(
    client: TestClient, db: Database
) -> None:
    assert edit(client, "Bibit", PAGE, summary="buat").status_code == 303
    changed = PAGE.replace("di kantor desa", "di balai desa")
    save(browser(client.app, "203.0.113.77"), "Bibit", changed)
    with db.read() as s:
        rev = s.query(Revision).order_by(Revision.id.desc()).first()
        assert rev is not None and rev.vandalism_score is not None
        assert scoring.badge_of(rev.vandalism_score) != "bad"
        stored = scoring.stored(rev)
        assert stored is not None and stored.content is not None and stored.editor is not None


# --- the development set --------------------------------------------------------------------


def test_dev_set_auc_is_not_below_the_committed_figure() -> None:
    model = load_model()
    dev = read_dev_set(DEV)
    assert len(dev) == 120 and sum(e.bad for e in dev) == 60
    scores = [score(e.edit, model).score for e in dev]
    labels = [e.bad for e in dev]
    published = model.raw["evaluation"]["dev"]
    auc = roc_auc(scores, labels)
    assert auc >= published["roc_auc"] - 1e-6
    assert published["roc_auc"] >= 0.85  # the goal, committed with the model
    anon = read_dev_set(DEV, all_anonymous=True)
    assert roc_auc([score(e.edit, model).score for e in anon], labels) >= 0.85


def _fpr(threshold: float, good: list[float]) -> float:
    return sum(s >= threshold for s in good) / len(good)


def test_dev_set_goals_subtle_falsifications_and_fairness() -> None:
    model = load_model()
    dev = read_dev_set(DEV)
    scored = [score(e.edit, model) for e in dev]
    good_anon = [
        s.score for s, e in zip(scored, dev, strict=True) if not e.bad and e.edit.is_anonymous
    ]
    falsified = [
        s.score for s, e in zip(scored, dev, strict=True) if e.kind == "number-falsification"
    ]
    # The goal is a ranking one: the lowest threshold whose false-positive rate on
    # good-faith anonymous edits is at most 5 % catches at least 60 % of them.
    threshold = min(t for t in sorted(set(good_anon + falsified)) if _fpr(t, good_anon) <= 0.05)
    fpr = _fpr(threshold, good_anon)
    recall = sum(s >= threshold for s in falsified) / len(falsified)
    assert fpr <= 0.05 and recall >= 0.60, (fpr, recall)
    # No good edit is badged "likely vandalism" on editor facts alone.
    for s, e in zip(scored, dev, strict=True):
        if not e.bad and badge(s.score, model) == "bad":
            assert s.content >= model.thresholds["bad"], e.id
    # The calibrated score means something: at 0.5 most flagged dev edits are bad.
    precision, _recall, _rate = rate_at(0.5, [s.score for s in scored], [e.bad for e in dev])
    assert precision >= 0.7


def test_scores_stored_before_v2_still_read() -> None:
    # v1 stored a bare list of reasons, with integer params only.
    old = '[{"code": "adds_insult", "msgid": "adds an insult", "params": {}, "contribution": 1.2}]'
    reasons = scoring.reasons_from_json(old)
    assert [r.code for r in reasons] == ["adds_insult"] and reasons[0].group == "content"
    new = scoring.reasons_to_json(reasons, content=0.8, editor=-0.1)
    assert scoring.reasons_from_json(new) == reasons
    assert scoring.reasons_from_json("not json") == [] and scoring.reasons_from_json(None) == []
