"""vCard import: 2.1 quoted-printable, Apple 3.0 groups, 4.0 tel URIs, folding, many cards."""

from __future__ import annotations

from pathlib import Path

import pytest

from repdesk.core.phones import Phone
from repdesk.formats.lead_file import LeadFileError, ParsedLead, open_lead_file

DATA = Path(__file__).parent / "data"


def cards(
    tmp_path: Path, text: str, encoding: str = "utf-8", name: str = "contacts.vcf"
) -> list[ParsedLead]:
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    lead_file = open_lead_file(path)
    assert (lead_file.kind, lead_file.detected) == ("vcard", "vcard")
    return list(lead_file.rows())


def test_google_vcard_export() -> None:
    lead_file = open_lead_file(DATA / "google_contacts.vcf")
    olivia, ravi = lead_file.rows()
    assert (olivia.row, ravi.row) == (1, 2)
    assert (olivia.fields["first_name"], olivia.fields["last_name"]) == ("Olivia", "Bennett")
    assert olivia.fields["email"] == "olivia@bennettfloral.example"
    assert olivia.phones == (Phone("+1 555-010-6001", "mobile", valid=False),)
    assert olivia.fields["tags"] == "myContacts, Leads 2026, check phone"
    assert olivia.fields["company"] == "Bennett Floral"
    assert olivia.fields["title"] == "Owner"
    assert olivia.fields["notes"] == "Asked about wedding season pricing – call back in spring"
    assert olivia.fields["source"] == "vCard"
    assert ravi.extra["TEL"] == "(555) 010-6002" and ravi.phones[0].kind == "work"
    assert ravi.problem is None


def test_vcard_21_quoted_printable_with_charset_and_soft_breaks(tmp_path: Path) -> None:
    text = (
        "BEGIN:VCARD\r\n"
        "VERSION:2.1\r\n"
        "N;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:M=C3=BCller;Ren=C3=A9;;;\r\n"
        "FN;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:Ren=C3=A9 M=C3=BCller\r\n"
        "TEL;CELL;PREF:+49 30 1234567\r\n"
        "EMAIL;INTERNET:rene@mueller.example\r\n"
        "NOTE;ENCODING=QUOTED-PRINTABLE;CHARSET=ISO-8859-1:Sp=E4ter anrufen, =\r\n"
        "bitte=0D=0Anach 14 Uhr\r\n"
        "END:VCARD\r\n"
    )
    (rene,) = cards(tmp_path, text)
    assert rene.fields["first_name"] == "René" and rene.fields["last_name"] == "Müller"
    assert rene.fields["phone"] == "+49301234567"
    assert rene.fields["notes"] == "Später anrufen, bitte\r\nnach 14 Uhr"


def test_apple_grouped_properties_and_escapes(tmp_path: Path) -> None:
    text = (
        "BEGIN:VCARD\nVERSION:3.0\nPRODID:-//Apple Inc.//macOS 14.0//EN\n"
        "N:Okafor;Chidi;;;\nFN:Chidi Okafor\nORG:Okafor\\, Sons & Co;Sales;\n"
        "item1.EMAIL;type=INTERNET;type=pref:Chidi@Okafor.example\n"
        "item1.X-ABLabel:_$!<Work>!$_\n"
        "item2.TEL:(614) 555-0181\nitem2.X-ABLabel:Shop\n"
        "TEL;type=CELL;type=VOICE:614-555-0182\n"
        "NOTE:First line\\nSecond line\\; with semicolon\n"
        "X-SOCIALPROFILE;type=twitter:https://twitter.com/chidi\n"
        "END:VCARD\n"
    )
    (chidi,) = cards(tmp_path, text)
    assert chidi.fields["company"] == "Okafor, Sons & Co"
    assert chidi.fields["email"] == "chidi@okafor.example"
    assert chidi.fields["phone"] == "+16145550181"
    assert [(p.number, p.kind) for p in chidi.phones] == [
        ("+16145550181", "main"),
        ("+16145550182", "mobile"),
    ]
    assert chidi.fields["notes"] == "First line\nSecond line; with semicolon"
    assert chidi.extra["TEL"] == "614-555-0182"
    assert chidi.extra["X-SOCIALPROFILE"] == "https://twitter.com/chidi"
    assert "Work" in chidi.extra.values()


def test_vcard_40_tel_uri_and_folded_lines(tmp_path: Path) -> None:
    text = (
        "BEGIN:VCARD\r\nVERSION:4.0\r\nFN:Sofia Rossi\r\nN:Rossi;Sofia;;;\r\n"
        'TEL;VALUE=uri;TYPE="voice,cell":tel:+1-614-555-0190;ext=12\r\n'
        "EMAIL;TYPE=work:sofia@rossi.exa\r\n mple\r\n"
        "NOTE:Wants a quote for the new\r\n\t warehouse and the office\r\n"
        "CATEGORIES:Leads,Trade show\r\n"
        "END:VCARD\r\n"
    )
    (sofia,) = cards(tmp_path, text)
    assert sofia.fields["phone"] == "+16145550190" and sofia.fields["phone_ext"] == "12"
    assert sofia.phones == (Phone("+16145550190", "mobile", "12"),)
    assert sofia.fields["email"] == "sofia@rossi.example"
    assert sofia.fields["notes"] == "Wants a quote for the new warehouse and the office"
    assert sofia.fields["tags"] == "Leads, Trade show"


def test_many_cards_case_insensitive_names_and_fn_only(tmp_path: Path) -> None:
    one = "begin:vcard\nversion:3.0\nfn:Ann Bee\nemail:ann@bee.example\nend:vcard\n"
    nobody = "BEGIN:VCARD\nVERSION:3.0\nORG:Nameless Inc\nEND:VCARD\n"
    bad = "BEGIN:VCARD\nVERSION:3.0\nFN:Cy Dee\nEMAIL:cy at dee\nEND:VCARD\n"
    rows = cards(tmp_path, one * 300 + nobody + bad, encoding="utf-16")
    assert len(rows) == 302
    assert [row.row for row in rows] == list(range(1, 303))
    assert rows[0].fields["first_name"] == "Ann" and rows[0].fields["last_name"] == "Bee"
    assert rows[300].problem is None and rows[300].fields["company"] == "Nameless Inc"
    assert rows[301].problem is None and rows[301].extra["EMAIL"] == "cy at dee"


def test_vcard_mapping_override(tmp_path: Path) -> None:
    path = tmp_path / "x.vcf"
    path.write_text("BEGIN:VCARD\nVERSION:3.0\nFN:Ann Bee\nNOTE:Call me\nROLE:Buyer\nEND:VCARD\n")
    (ann,) = open_lead_file(path, mapping={"note": "message", "Role": "title"}).rows()
    assert ann.fields["message"] == "Call me" and ann.fields["title"] == "Buyer"
    with pytest.raises(LeadFileError, match="'nickname'"):
        open_lead_file(path, mapping={"NOTE": "nickname"})
