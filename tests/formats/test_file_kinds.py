"""Files of the kinds people export (LinkedIn, HubSpot with companies, Google with local numbers,
Outlook, Thunderbird, vCards from phones, Outlook 2003/2007 and servers): every person read, with
every number, the right region, stable ids and names as written."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest

from repdesk.core.phones import Phone
from repdesk.formats.lead_file import LeadFileError, ParsedLead, open_lead_file

DATA = Path(__file__).parent / "data"


def rows(name: str, region: str = "US") -> list[ParsedLead]:
    lead_file = open_lead_file(DATA / name, default_region=region)
    found = list(lead_file.rows())
    assert all(row.problem is None for row in found), [r.problem for r in found]
    return found


def numbers(row: ParsedLead) -> list[tuple[str, str, str]]:
    return [(p.number, p.kind, p.ext) for p in row.phones]


def test_linkedin_connections_start_after_their_notes() -> None:
    lead_file = open_lead_file(DATA / "linkedin_connections.csv")
    assert lead_file.detected == "linkedin" and lead_file.default_kind == "contacts"
    priya, tomas, grace, wen = lead_file.rows()
    assert (priya.fields["first_name"], priya.fields["company"]) == ("Priya", "Raman Design Studio")
    assert priya.keys == ("linkedin:in/priya-raman-4a1b2c",)
    assert tomas.fields["email"] == "tomas@herrera-build.example"
    assert grace.fields["company"] == "Kite & Co, Ltd" and grace.fields["title"] == "Head of Sales"
    assert wen.problem is None and wen.fields["source"] == "LinkedIn"


def test_a_preamble_of_any_length_is_skipped(tmp_path: Path) -> None:
    path = tmp_path / "report.csv"
    path.write_text(
        "Leads report\nGenerated 2026-11-20; all regions\n\n"
        "Name;Email;Phone\nAna Ruiz;ana@x.example;614-555-0120\n",
        encoding="utf-8",
    )
    (ana,) = open_lead_file(path).rows()
    assert ana.fields["email"] == "ana@x.example" and ana.fields["phone"] == "+16145550120"


def test_hubspot_contacts_with_companies_keep_each_person_and_number() -> None:
    hannah, felix, amara, jonas, sofia, marc, keiko = rows("hubspot_contacts_companies.csv")
    assert numbers(hannah) == [("+12125550100", "main", ""), ("+16465550131", "mobile", "")]
    assert hannah.keys == ("hubspot:72001",)  # the company's record id is not the person's
    assert amara.fields["phone"] == "+16465550133"
    assert numbers(amara)[1] == ("+12125550100", "company", "")
    # Germany and France from the row's country, not the workspace's region.
    assert jonas.fields["phone"] == "+4961112345611"
    assert numbers(jonas)[1:] == [("+491711234567", "mobile", ""), ("+496111234560", "company", "")]
    assert sofia.fields["phone"] == "+496111234560"  # a company line is better than none
    assert marc.fields["phone"] == "+33116351702"
    assert keiko.fields["phone"] == "+12125550100" and keiko.fields["phone_ext"] == "752"
    assert {r.fields["source"] for r in (hannah, felix, jonas, sofia, marc)} == {
        "Organic search",
        "Referrals",
        "Offline sources",
        "Email marketing",
        "Direct traffic",
    }


def test_google_contacts_with_local_numbers_in_a_uk_workspace() -> None:
    oliver, amelia, rahul = rows("google_contacts_local.csv", region="GB")
    assert numbers(oliver) == [("+442079460018", "work", ""), ("+442079460019", "mobile", "")]
    assert oliver.fields["first_name"] == "Oliver James" and oliver.extra["Name Prefix"] == "Dr."
    assert oliver.emails == ("oliver@hughesdental.example", "ol.hughes@mail.example")
    assert numbers(amelia) == [
        ("+442079460020", "mobile", ""),
        ("+442079460021", "mobile", ""),
        ("+442079460022", "fax", ""),
    ]
    assert amelia.fields["phone"] == "+442079460020"
    assert rahul.fields["phone"] == "+442079460023"


def test_the_same_local_numbers_in_a_us_workspace_are_kept_as_written() -> None:
    _oliver, amelia, _rahul = rows("google_contacts_local.csv", region="US")
    assert "phone" not in amelia.fields and "check phone" in amelia.fields["tags"]
    assert amelia.phones[0] == Phone("020 7946 0020", "mobile", valid=False)
    assert amelia.extra["Phone 1 - Value"] == "020 7946 0020"


def test_thunderbird_is_labelled_thunderbird_and_its_mobile_column_read() -> None:
    lead_file = open_lead_file(DATA / "thunderbird.csv")
    assert lead_file.detected == "thunderbird"
    ingrid, pavel = lead_file.rows()
    assert numbers(ingrid) == [
        ("+16465550162", "mobile", ""),
        ("+12125550160", "work", ""),
        ("+12125550161", "fax", ""),
    ]
    assert ingrid.emails == ("ingrid@solberg-arkitekter.example", "ingrid.solberg@mail.example")
    assert pavel.fields["phone"] == "+16465550163"


def test_outlook_desktop_kinds_extensions_middle_names_and_suffixes() -> None:
    claire, robert = rows("outlook_desktop.csv")
    assert claire.fields["phone"] == "+33612345678"  # France, from the business country
    assert [p.kind for p in claire.phones] == ["mobile", "work", "company", "fax"]
    assert claire.fields["first_name"] == "Claire Anne" and claire.extra["Title"] == "Ms."
    assert robert.fields["last_name"] == "Hale Jr."
    assert numbers(robert) == [("+16145550141", "work", "12"), ("+16145550140", "assistant", "")]


@pytest.mark.parametrize(
    ("header", "kind"),
    [
        ("Mobile Phone Number", "mobile"),
        ("Mobile Number", "mobile"),
        ("Home Mobile", "mobile"),
        ("Handy", "mobile"),
        ("Telefon", "main"),
    ],
)
def test_mobile_columns_of_every_tool(tmp_path: Path, header: str, kind: str) -> None:
    path = tmp_path / "m.csv"
    path.write_text(f"Name,{header}\nAna Ruiz,(614) 555-0120\n", encoding="utf-8")
    (ana,) = open_lead_file(path).rows()
    assert ana.phones == (Phone("+16145550120", kind),)


@pytest.mark.parametrize(
    "header", ["Email Home", "Email Work", "Email Other", "E-mail Home", "Home Email"]
)
def test_email_home_work_other_headers(tmp_path: Path, header: str) -> None:
    path = tmp_path / "e.csv"
    path.write_text(f"Name,{header}\nAna Ruiz,Ana@X.example\n", encoding="utf-8")
    (ana,) = open_lead_file(path).rows()
    assert ana.fields["email"] == "ana@x.example"


def test_android_vcard_21_quoted_printable_middle_name_and_fax() -> None:
    lukas, jean = rows("android.vcf")
    assert (lukas.fields["first_name"], lukas.fields["last_name"]) == ("Lukas Maria", "Schröder")
    assert lukas.fields["notes"] == "Rückruf nach der Messe, gerne vormittags"
    assert numbers(lukas) == [("+491711234567", "mobile", ""), ("+49611123456", "work", "")]
    assert numbers(jean) == [("+16465550175", "home", ""), ("+16465550176", "fax", "")]


def test_iphone_vcard_prefix_suffix_labels_and_extension() -> None:
    maria, bao = rows("iphone.vcf")
    assert maria.fields["first_name"] == "María José"
    assert maria.fields["last_name"] == "García López PhD"
    assert maria.extra["Name prefix"] == "Dra."
    assert numbers(maria) == [("+34612345678", "mobile", ""), ("+34911234567", "main", "")]
    assert numbers(bao) == [("+12125550177", "mobile", ""), ("+12125550178", "work", "303")]


@pytest.mark.parametrize(
    ("name", "first", "last", "company"),
    [
        ("outlook2003_cyrillic.vcf", "Анна Сергеевна", "Петрова", "ООО Ромашка"),
        ("outlook2007_greek.vcf", "Γιώργος", "Παπαδόπουλος", "Εταιρεία Ήλιος"),
        ("outlook_central_european.vcf", "Jiří", "Dvořák", "Stavební firma Dvořák s.r.o."),
    ],
)
def test_vcard_21_in_windows_code_pages(name: str, first: str, last: str, company: str) -> None:
    card = rows(name)[0]
    assert (card.fields["first_name"], card.fields["last_name"]) == (first, last)
    assert card.fields["company"] == company


def test_code_page_vcards_read_their_numbers_in_their_country() -> None:
    (giorgos,) = rows("outlook2007_greek.vcf")
    assert numbers(giorgos) == [("+302101234567", "work", ""), ("+306941234567", "mobile", "")]
    jiri, malgorzata = rows("outlook_central_european.vcf")
    assert jiri.fields["notes"] == "Zavolat počátkem týdne"
    assert malgorzata.fields["company"] == "Zakład Usług Łódź"


def test_nextcloud_vcard_40_uid_extension_and_profile() -> None:
    daniel, lena = rows("nextcloud.vcf")
    assert numbers(daniel) == [("+12125550170", "work", "102"), ("+16465550171", "mobile", "")]
    assert daniel.keys == (
        "uid:5a2f9c1e-7d3b-4e8a-9f10-3c6b2d4e8a71",
        "linkedin:in/daniel-kowalski",
    )
    assert lena.keys == ("uid:urn:uuid:0f6c3a52-1b44-4c1b-8d1e-6f2a9b7c5d30",)


def test_a_vcard_whose_begin_has_a_group_is_a_vcard() -> None:
    lead_file = open_lead_file(DATA / "radicale.vcf")
    assert lead_file.kind == "vcard"
    (elise,) = lead_file.rows()
    assert elise.fields["first_name"] == "Élise" and elise.keys == ("uid:radicale-7731",)


def test_crm_record_ids_are_stable_ids(tmp_path: Path) -> None:
    path = tmp_path / "sf.csv"
    path.write_text(
        "Lead ID,First Name,Last Name,Company,Lead Source,Lead Status,State/Province\n"
        "00Q5g00000Zz001AAA,Ana,Ruiz,Ruiz Co,Web,Open - Not Contacted,OH\n",
        encoding="utf-8",
    )
    (ana,) = open_lead_file(path).rows()
    assert ana.keys == ("salesforce:00Q5g00000Zz001",)  # the 18-character id is the 15 + checksum
    generic = tmp_path / "sheet.csv"
    generic.write_text("ID,Name\n1,Ana Ruiz\n", encoding="utf-8")
    (row,) = open_lead_file(generic).rows()
    assert row.keys == ()  # a spreadsheet's row numbers identify nobody


def test_two_numbers_in_one_cell_lose_nobody(tmp_path: Path) -> None:
    path = tmp_path / "two.csv"
    path.write_text(
        "Name,Phone\n"
        "Ana Ruiz,415-555-0144415-555-0199\n"
        "Bo Li,415-555-0144 - ask for the office manager\n"
        "Cy Ode,555-010-1107555-010-3001\n",
        encoding="utf-8",
    )
    ana, bo, cy = open_lead_file(path).rows()
    assert [p.number for p in ana.phones] == ["+14155550144", "+14155550199"]
    assert bo.fields["phone"] == "+14155550144"
    assert bo.extra["Phone"] == "415-555-0144 - ask for the office manager"
    assert cy.problem is None and cy.extra["Phone"] == "555-010-1107555-010-3001"
    assert cy.fields["tags"] == "check phone"


def test_day_and_month_are_read_one_way_per_column(tmp_path: Path) -> None:
    path = tmp_path / "uk.csv"
    path.write_text(
        "Name,Email,Date\nAna,a@x.example,03/04/2026\nBo,b@x.example,13/04/2026\n"
        "Cy,c@x.example,05/04/2026 10:00\n",
        encoding="utf-8",
    )
    ana, bo, cy = open_lead_file(path, default_region="US").rows()
    assert [r.received_at for r in (ana, bo, cy)] == [
        datetime(2026, 4, 3),
        datetime(2026, 4, 13),
        datetime(2026, 4, 5, 10, 0),
    ]


def test_the_workspace_region_breaks_a_tie(tmp_path: Path) -> None:
    path = tmp_path / "tie.csv"
    path.write_text("Name,Date\nAna,03/04/2026\nBo,05/06/2026\n", encoding="utf-8")
    us = [r.received_at for r in open_lead_file(path, default_region="US").rows()]
    de = [r.received_at for r in open_lead_file(path, default_region="DE").rows()]
    assert us == [datetime(2026, 3, 4), datetime(2026, 5, 6)]
    assert de == [datetime(2026, 4, 3), datetime(2026, 6, 5)]


def test_a_quote_that_never_closes_is_refused_naming_its_line(tmp_path: Path) -> None:
    path = tmp_path / "broken.csv"
    path.write_text(
        'Name,Email,Notes\nAna,a@x.example,fine\nBo,b@x.example,"oops\nCy,c@x.example,ok\n'
        "Di,d@x.example,ok\n",
        encoding="utf-8",
    )
    with pytest.raises(LeadFileError) as info:
        list(open_lead_file(path).rows())
    message = str(info.value)
    assert "broken.csv line 3" in message and "never closes" in message
    assert "\n" not in message


def test_a_stray_inch_mark_is_no_broken_quote(tmp_path: Path) -> None:
    path = tmp_path / "inch.csv"
    path.write_text("Name,Notes\nAna,5'10\" tall\nBo,fine", encoding="utf-8")
    ana, bo = open_lead_file(path).rows()
    assert ana.fields["notes"] == "5'10\" tall" and bo.fields["notes"] == "fine"


def test_lotus_notes_vcard_keeps_every_number_and_its_uid() -> None:
    hiroshi, sabine = rows("lotus_notes.vcf")
    assert (hiroshi.fields["first_name"], hiroshi.fields["last_name"]) == (
        "Hiroshi Kenji",
        "Tanaka",
    )
    assert hiroshi.extra["Name prefix"] == "Mr."
    assert numbers(hiroshi) == [
        ("+81312345678", "work", ""),
        ("+819012345678", "mobile", ""),
        ("+81312345679", "fax", ""),
        ("+81398765432", "home", ""),
    ]
    assert hiroshi.keys == ("uid:85257B8A0051A2E3C125719300339F4E",)
    # Two work numbers: both kept, the first is the lead's phone.
    assert numbers(sabine) == [("+41446681800", "work", ""), ("+41446681801", "work", "")]
    assert sabine.fields["phone"] == "+41446681800"


def test_evolution_vcard_slots_company_numbers_and_file_as() -> None:
    hans, karin = rows("evolution.vcf")
    assert (hans.fields["first_name"], hans.fields["last_name"]) == ("Hans Peter", "Müller")
    assert hans.fields["company"] == "Müller Maschinenbau GmbH"
    assert hans.fields["email"] == "hans.mueller@mueller-mb.example"
    assert [kind for _, kind, _ in numbers(hans)] == ["work", "mobile", "fax", "home"]
    assert hans.keys == ("uid:pas-id-5F1A2B3C00000001",)
    assert numbers(karin)[0] == ("+46812345600", "company", "")
