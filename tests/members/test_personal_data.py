"""Her rights over her data: a full copy, and removal that leaves no trace of who she was in
the record, its history, events or the log, while the counts stay right."""

import base64
import datetime
import json
import re
import zlib

import pytest
from django.urls import reverse
from django.utils import translation

from hoiso.core.models import AuditEntry
from hoiso.members.models import Consent, Member
from hoiso.members.personal_data import ANONYMOUS_NAME, history_entries, member_anonymise
from hoiso.members.personal_data_pdf import member_data_pdf
from hoiso.members.services import MemberError, consent_record, member_update
from hoiso.members.stats import unit_stats
from tests.members.helpers import admit, make_cccd, nothing_changes

pytestmark = pytest.mark.django_db


@pytest.fixture
def hoa(tree, xa_officer):
    member = admit(xa_officer, tree.a1, full_name="Thạch Thị Hoa", phone="0912345678",
                   cccd=make_cccd(), ethnicity="05", religion="buddhism", hamlet="Ấp Phú Thạnh")  # fmt: skip
    member_update(actor=xa_officer, member=member, data={"occupation": "Buôn bán"})
    return Member.objects.get(pk=member.pk)


def test_copy_of_her_data(client, hoa, xa_officer):
    client.force_login(xa_officer)
    response = client.get(reverse("members:member_data_export", args=[hoa.pk]))
    data = json.loads(response.content)
    assert (
        data["record"]["full_name"] == "Thạch Thị Hoa" and data["record"]["phone"] == "0912345678"
    )
    assert data["events"][0]["date"] and data["consents"] and len(data["history"]) >= 2
    assert data["history"][-1]["changes"][0]["new"] == "Buôn bán"
    assert AuditEntry.objects.filter(action="member.data_export", object_id=str(hoa.pk)).exists()


def pdf_text(pdf: bytes) -> str:
    """The text a ReportLab PDF shows, read without a PDF library: each subset font's
    ToUnicode map turns the codes of the content streams back into characters."""
    by_number = dict(re.findall(rb"(\d+) 0 obj\s*(.*?)endobj", pdf, re.S))
    objects = list(by_number.values())

    def stream(body: bytes) -> bytes:
        head, _, rest = body.partition(b"stream")
        raw = rest.strip(b"\r\n").rsplit(b"endstream", 1)[0].strip()
        raw = base64.a85decode(raw, adobe=True) if b"ASCII85Decode" in head else raw
        return zlib.decompress(raw) if b"FlateDecode" in head else raw

    fonts = {}
    for body in objects:
        found = re.search(rb"/Name /(\S+) .*?/ToUnicode (\d+) 0 R", body, re.S)
        if found:
            pairs = re.findall(rb"<([0-9A-F]{2})> <([0-9A-F]{4})>", stream(by_number[found[2]]))
            fonts[found[1]] = {int(code, 16): chr(int(char, 16)) for code, char in pairs}
    text, font = [], {}
    unescape = re.compile(rb"\\([0-7]{1,3}|.)", re.S)
    for body in objects:
        if b"ASCII85Decode" not in body.partition(b"stream")[0]:
            continue  # only page contents are ASCII85-armoured
        for op in re.finditer(
            rb"/(\S+) [\d.]+ Tf|\(((?:\\.|[^\\)])*)\) Tj|T\*|ET", stream(body), re.S
        ):
            if op.group(1):
                font = fonts.get(op.group(1), {})
            elif op.group(2) is not None:
                codes = unescape.sub(
                    lambda m: bytes([int(m[1], 8)]) if m[1].isdigit() else m[1], op.group(2)
                )
                text.append("".join(font.get(c, chr(c)) for c in codes))
            else:
                text.append("\n")
    return "".join(text)


def test_copy_as_pdf_holds_her_whole_record(client, tree, hoa, xa_officer):
    client.force_login(xa_officer)
    client.post(reverse("members:member_transfer", args=[hoa.pk]),
                {"to_unit": tree.a2.pk, "on": "01/03/2026", "reason": "Chuyển nơi ở"})  # fmt: skip
    consent_record(actor=xa_officer, member=hoa, purpose="contact", given=False,
                   on=datetime.date(2026, 2, 2))  # fmt: skip
    response = client.get(reverse("members:member_data_pdf", args=[hoa.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    text = pdf_text(response.content)
    for shown in ["Thạch Thị Hoa", hoa.code, hoa.cccd, "0912345678", "Ấp Phú Thạnh", "Buôn bán",
                  "Khmer", "Phật giáo", "HỘI LHPN PHƯỜNG NINH KIỀU", "Chi hội Khu vực 2",
                  "Chuyển nơi ở", "Nguyễn Thị Lan", "02/02/2026"]:  # fmt: skip
        assert shown in text, shown
    with translation.override("vi"):  # choice labels, not codes (the request is in Vietnamese)
        assert (
            str(Consent.Purpose.CONTACT.label) in text and str(Member.Status.ACTIVE.label) in text
        )
    assert "buddhism" not in text
    export = AuditEntry.objects.get(action="member.data_export", object_id=str(hoa.pk))
    assert export.actor == xa_officer and export.details == {"format": "pdf"}


def test_history_names_who_changed_what(client, tree, hoa, xa_officer):
    client.force_login(xa_officer)
    client.post(reverse("members:member_transfer", args=[hoa.pk]),
                {"to_unit": tree.a2.pk, "on": "01/03/2026", "reason": ""})  # fmt: skip
    with translation.override("vi"):
        last = history_entries(Member.objects.get(pk=hoa.pk))[-1]
    assert last["by"] == "Nguyễn Thị Lan"
    assert (tree.a1.name, tree.a2.name) in [(old, new) for _f, old, new in last["changes"]]


@pytest.mark.parametrize("name", ["members:member_data_pdf", "members:member_data_export"])
def test_copy_out_of_scope_is_404_and_not_logged(
    client, hoa, xa_officer_other, member, chi_hoi_leader, name
):
    """Her copy holds her ethnicity and religion: her own branch's leader, who may not read
    them, cannot issue it either (the commune union does)."""
    url = reverse(name, args=[hoa.pk])
    for user in [xa_officer_other, member, chi_hoi_leader]:
        client.force_login(user)
        assert client.get(url).status_code == 404
    assert not AuditEntry.objects.filter(action="member.data_export").exists()
    client.force_login(chi_hoi_leader)
    page = client.get(reverse("members:member_detail", args=[hoa.pk])).content.decode()
    assert url not in page


def test_hostile_strings_are_printed_not_obeyed(tree, hoa):
    """Markup, a word longer than a line and control characters, as an old import may have
    left them (the services refuse such names today): printed as typed, layout intact."""
    name = "Hoa <b>x</b> & </para><font size=40>" + "A" * 80
    Member.objects.filter(pk=hoa.pk).update(full_name=name, home_town="quê\x07\x1b<i>",
                                            status_reason="Rấtdài" * 40)  # fmt: skip
    hoa = Member.objects.get(pk=hoa.pk)
    for i in range(30):  # a history longer than one page
        hoa.occupation = f"Nghề {i} " + "x" * 100
        hoa.save()
    with translation.override("vi"):
        pdf = member_data_pdf(hoa)
    text = re.sub(r"\s", "", pdf_text(pdf))  # wrapped lines lose the space they broke at
    assert all(re.sub(r"\s", "", s) in text for s in [name, "quê<i>", "Rấtdài" * 40])
    assert len(re.findall(rb"/Type /Page\b", pdf)) >= 2


def test_anonymise_removes_identity_everywhere_and_keeps_counts(tree, hoa, xa_officer):
    before = unit_stats(
        unit=tree.a,
        on=datetime.date.today(),
        period_start=datetime.date(2025, 1, 1),
        sensitive=False,
    )
    member_anonymise(actor=xa_officer, member=hoa, reason="Đơn ngày 20/11/2026")
    member = Member.objects.get(pk=hoa.pk)
    assert member.full_name == ANONYMOUS_NAME and member.cccd is None and member.phone == ""
    assert member.ethnicity == "" and member.religion == "" and member.hamlet == ""
    assert member.date_of_birth == datetime.date(hoa.date_of_birth.year, 1, 1)
    assert member.status == Member.Status.LEFT
    for version in member.history.all():
        assert version.full_name == ANONYMOUS_NAME and not version.phone and not version.cccd
    assert not AuditEntry.objects.filter(object_repr__contains="Thạch Thị Hoa").exists()
    after = unit_stats(
        unit=tree.a,
        on=datetime.date.today(),
        period_start=datetime.date(2025, 1, 1),
        sensitive=False,
    )
    assert after.total == before.total - 1  # she left; the others are counted as before
    assert AuditEntry.objects.filter(action="member.anonymise").count() == 1


def test_anonymise_refused_cases_change_nothing(hoa, xa_officer, xa_officer_other):
    with nothing_changes(), pytest.raises(MemberError):
        member_anonymise(actor=xa_officer_other, member=hoa, reason="x")
    with nothing_changes(), pytest.raises(MemberError):
        member_anonymise(actor=xa_officer, member=hoa, reason="  ")
    member_anonymise(actor=xa_officer, member=hoa, reason="Đơn")
    with nothing_changes(), pytest.raises(MemberError):
        member_anonymise(actor=xa_officer, member=Member.objects.get(pk=hoa.pk), reason="Đơn")
