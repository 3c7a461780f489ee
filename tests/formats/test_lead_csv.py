"""Lead CSV import: real CRM/form exports, encodings, delimiters, mapping overrides, errors."""

from __future__ import annotations

import shutil
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest

from repdesk.core.phones import Phone
from repdesk.formats.lead_csv import parse_datetime
from repdesk.formats.lead_file import LeadFile, LeadFileError, ParsedLead, open_lead_file

DATA = Path(__file__).parent / "data"


def rows_of(lead_file: LeadFile) -> list[ParsedLead]:
    return list(lead_file.rows())


def write(tmp_path: Path, text: str, name: str = "leads.csv", encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def test_hubspot_export() -> None:
    lead_file = open_lead_file(DATA / "hubspot_contacts.csv")
    assert (lead_file.kind, lead_file.detected) == ("csv", "hubspot")
    assert lead_file.mapping["Contact owner"] == "owner"
    assert lead_file.mapping["Record ID"] is None
    assert lead_file.default_kind == "contacts"
    dana, marcus, elena = rows_of(lead_file)
    assert dana.row == 1 and dana.problem is None
    assert dana.fields["first_name"] == "Dana" and dana.fields["last_name"] == "Whitfield"
    assert dana.fields["email"] == "dana@whitfieldhvac.example"
    # 555-010-xxxx is a fictional range, no valid number: kept as written and flagged.
    assert "phone" not in dana.fields and dana.fields["tags"] == "check phone"
    assert dana.extra["Phone Number"] == "(555) 010-2001"
    assert dana.phones == (Phone("(555) 010-2001", "main", valid=False),)
    assert dana.keys == ("hubspot:5101",)
    assert dana.fields["company"] == "Whitfield HVAC"
    assert dana.fields["title"] == "Owner"
    assert dana.fields["owner"] == "Sam Ortiz"
    assert dana.fields["status"] == "new"
    assert dana.fields["source"] == "Organic search"
    assert dana.received_at == datetime(2026, 10, 12, 9, 14)
    assert dana.extra["Record ID"] == "5101"
    assert dana.extra["Lifecycle Stage"] == "lead"
    assert marcus.fields["status"] == "contacted"
    assert marcus.extra["Phone Number"] == "+1 555 010 2002"
    assert elena.fields["status"] == "nurture"
    assert elena.fields["company"] == "Petrova Law, PLLC"
    assert elena.extra["Phone Number"] == "555.010.2003"
    assert "owner" not in elena.fields
    assert lead_file.progress() == 1.0


def test_salesforce_report_uses_mobile_when_phone_is_empty() -> None:
    lead_file = open_lead_file(DATA / "salesforce_report.csv")
    assert lead_file.detected == "salesforce"
    hannah, luis = rows_of(lead_file)
    assert hannah.fields["phone"] == "+16145550120"
    assert hannah.fields["status"] == "new"
    assert hannah.fields["source"] == "Web"
    assert hannah.fields["title"] == "Office Manager"
    assert hannah.received_at == datetime(2026, 10, 12)
    assert hannah.extra["City"] == "Columbus"
    assert luis.fields["phone"] == "+14805550188"
    assert luis.fields["status"] == "contacted"
    assert luis.fields["owner"] == "Sam Ortiz"


def test_google_contacts_splits_multiple_values() -> None:
    lead_file = open_lead_file(DATA / "google_contacts.csv")
    assert lead_file.detected == "google_contacts"
    yuki, carlos = rows_of(lead_file)
    assert yuki.fields["company"] == "Tanaka Tea House"
    assert yuki.fields["title"] == "Owner"
    assert yuki.phones == (Phone("+1 555 010 3001", "mobile", valid=False),)
    assert yuki.fields["notes"] == "Met at farmers market"
    assert yuki.fields["tags"] == "myContacts, Leads, check phone"
    assert yuki.fields["source"] == "Google Contacts"
    assert carlos.fields["email"] == "carlos.mendes@mail.example"
    assert carlos.extra["E-mail 1 - Value"] == "cmendes@work.example"
    assert [p.kind for p in carlos.phones] == ["work", "work"]
    assert carlos.extra["Phone 1 - Value"] == "(555) 010-3002"
    assert carlos.extra["Phone 1 - Value 2"] == "(555) 010-3003"


def test_legacy_google_headers(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "Name,Given Name,Family Name,Organization 1 - Name,Organization 1 - Title,"
        "E-mail 1 - Type,E-mail 1 - Value,Phone 1 - Type,Phone 1 - Value,Group Membership\n"
        "Ana Lima,Ana,Lima,Lima Cafe,Owner,* Work,ANA@limacafe.example,Mobile,"
        "(614) 555-0170 ::: 614-555-0171,* myContacts ::: Leads\n",
    )
    lead_file = open_lead_file(path)
    assert lead_file.detected == "google_contacts"
    (ana,) = rows_of(lead_file)
    assert (ana.fields["first_name"], ana.fields["last_name"]) == ("Ana", "Lima")
    assert ana.fields["company"] == "Lima Cafe" and ana.fields["title"] == "Owner"
    assert ana.fields["email"] == "ana@limacafe.example"
    assert ana.fields["phone"] == "+16145550170"
    assert ana.extra["Phone 1 - Value"] == "614-555-0171"
    assert [(p.number, p.kind) for p in ana.phones] == [
        ("+16145550170", "mobile"),
        ("+16145550171", "mobile"),
    ]
    assert ana.fields["tags"] == "myContacts, Leads"


def test_outlook_com_sample_reads_its_late_company_and_title() -> None:
    lead_file = open_lead_file(DATA / "outlook_com.csv")
    assert lead_file.detected == "outlook"
    (mei,) = rows_of(lead_file)
    assert mei.fields["first_name"] == "Mei" and mei.fields["last_name"] == "Chen"
    assert mei.fields["email"] == "mei.chen@chenaccounting.example"
    assert mei.extra["Mobile Phone"] == "+1 555 010 5001" and "phone" not in mei.fields
    assert mei.fields["notes"] == "Wants a callback Friday"
    assert mei.fields["tags"] == "Leads, check phone"
    assert mei.fields["source"] == "Outlook"
    # Outlook.com writes company and job title under "Department" and "Office Location".
    assert (mei.fields["company"], mei.fields["title"]) == ("Chen Accounting", "Partner")
    assert "Department" not in mei.extra and mei.extra["Business Phone 2"] == "(555) 010-5002"


def test_outlook_department_is_not_taken_for_the_company_when_company_is_filled(
    tmp_path: Path,
) -> None:
    path = tmp_path / "outlook.csv"
    path.write_text(
        "First Name,Last Name,E-mail Address,Company,Job Title,Department,Office Location,"
        "Business Phone,Categories\nAna,Ruiz,ana@x.example,Ruiz Co,,Sales,Floor 2,,\n",
        encoding="utf-8",
    )
    (ana,) = rows_of(open_lead_file(path))
    assert ana.fields["company"] == "Ruiz Co" and "title" not in ana.fields
    assert ana.extra["Department"] == "Sales" and ana.extra["Office Location"] == "Floor 2"


def test_outlook_desktop_title_is_not_job_title(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        '"Title","First Name","Middle Name","Last Name","Suffix","Company","Department",'
        '"Job Title","Business Phone","Mobile Phone","E-mail Address","Notes","Categories"\r\n'
        '"Mr.","Tom","","Baker","","Baker & Sons","","Manager","(614) '
        '555-0199","","tom@baker.example",'
        '"Met at expo","Leads;Expo"\r\n',
        encoding="cp1252",
    )
    lead_file = open_lead_file(path)
    assert lead_file.detected == "outlook"
    (tom,) = rows_of(lead_file)
    assert tom.fields["title"] == "Manager"
    assert tom.extra["Title"] == "Mr."
    assert tom.fields["company"] == "Baker & Sons"
    assert tom.fields["phone"] == "+16145550199"
    assert tom.fields["tags"] == "Leads, Expo"


def test_webform_name_split_and_questions_in_message() -> None:
    lead_file = open_lead_file(DATA / "webform_submissions.csv")
    assert lead_file.detected == "webform"
    ava, noah, isabella = rows_of(lead_file)
    assert (ava.fields["first_name"], ava.fields["last_name"]) == ("Ava", "Thompson")
    assert ava.received_at == datetime(2026, 11, 20, 8, 2, 11)
    assert ava.fields["source"] == "Web form"
    assert ava.fields["message"] == (
        "What can we help with?: Need a new website, ours is broken\n"
        "When are you looking to start?: This month"
    )
    assert ava.extra["When are you looking to start?"] == "This month"
    assert "phone" not in noah.fields and noah.problem is None
    assert isabella.fields["phone"] == "+390255504003"


def test_google_forms_timestamp_and_email_address(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "Timestamp,Email Address,Full Name,Which product are you interested in?\n"
        "11/20/2026 8:02:11,ava@bakery.example,Ava Thompson,Websites\n",
    )
    (ava,) = rows_of(open_lead_file(path))
    assert ava.received_at == datetime(2026, 11, 20, 8, 2, 11)
    assert ava.fields["email"] == "ava@bakery.example"
    assert ava.fields["last_name"] == "Thompson"
    assert ava.fields["message"] == "Which product are you interested in?: Websites"


@pytest.mark.parametrize(
    "header",
    ["Submitted", "Submit Date (UTC)", "Submission Time", "Time Submitted", "Added Time"],
)
def test_a_form_whose_only_date_column_says_submitted(tmp_path: Path, header: str) -> None:
    """Typeform, Tally, Zoho Forms …: the submission time is the inquiry's received time."""
    path = write(
        tmp_path,
        f"{header},Name,Email,Message\n"
        "2026-11-18 14:05:00,Ana Ruiz,ana@ruiz.example,Need a quote\n",
    )
    lead_file = open_lead_file(path)
    assert lead_file.mapping[header] == "received_at"
    (ana,) = rows_of(lead_file)
    assert ana.received_at == datetime(2026, 11, 18, 14, 5)
    assert header not in ana.extra


def test_salesforce_api_names_in_any_case(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "ID,FIRSTNAME,lastname,Email,MobilePhone,COMPANY,title,LEADSOURCE,STATUS,OWNERID,CREATEDDATE,Description\n"
        "00Q1,Kim,Ng,KIM@NG.example,480-555-0101,Ng Labs,CTO,Web,Closed - Converted,005xx,"
        "2026-10-12T09:14:00.000+0000,Wants a demo\n"
        "00Q2,Lee,Park,lee@park.example,,Park Co,,Web,Closed - Not "
        "Converted,005xx,2026-10-13T10:00:00Z,\n",
    )
    lead_file = open_lead_file(path)
    assert lead_file.detected == "salesforce"
    kim, lee = rows_of(lead_file)
    assert kim.fields["first_name"] == "Kim" and kim.fields["last_name"] == "Ng"
    assert kim.fields["email"] == "kim@ng.example"
    assert kim.fields["phone"] == "+14805550101"
    assert kim.fields["status"] == "won" and lee.fields["status"] == "lost"
    assert kim.fields["owner"] == "005xx"
    assert kim.fields["message"] == "Wants a demo"
    assert kim.received_at == datetime(2026, 10, 12, 9, 14, tzinfo=UTC)


def test_pipedrive_export(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "Person - Name,Person - Email - Work,Person - Phone - Mobile,Person - Organization,"
        "Person - Owner,Person - Label,Person - Person created\n"
        "Rosa Diaz,rosa@diaz.example,+1 (212) 555-0142,Diaz Design,Sam Ortiz,Hot lead,2026-10-12 "
        "09:14:00\n",
    )
    lead_file = open_lead_file(path)
    assert lead_file.detected == "pipedrive"
    (rosa,) = rows_of(lead_file)
    assert (rosa.fields["first_name"], rosa.fields["last_name"]) == ("Rosa", "Diaz")
    assert rosa.fields["email"] == "rosa@diaz.example"
    assert rosa.fields["phone"] == "+12125550142"
    assert rosa.fields["company"] == "Diaz Design"
    assert rosa.fields["owner"] == "Sam Ortiz"
    assert rosa.fields["tags"] == "Hot lead"
    assert rosa.fields["source"] == "Pipedrive"
    assert rosa.received_at == datetime(2026, 10, 12, 9, 14)


def test_zoho_leads_export(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "Record Id,Lead Owner,First Name,Last Name,Company,Email,Phone,Mobile,Lead Source,"
        "Lead Status,Created Time,Modified Time,Description\n"
        "zcrm_1,Sam Ortiz,Priya,Shah,Shah Textiles,priya@shah.example,,+91 98765 43210,Trade Show,"
        "Contact in Future,2026-10-12 09:14:00,2026-10-13 09:14:00,Call after Diwali\n"
        "zcrm_2,Sam Ortiz,Jon,Ode,Ode Inc,jon@ode.example,555 010 1234,,Web,Sleeping,,,\n",
    )
    lead_file = open_lead_file(path)
    assert lead_file.detected == "zoho"
    priya, jon = rows_of(lead_file)
    assert priya.fields["phone"] == "+919876543210"
    assert priya.fields["status"] == "nurture"
    assert priya.fields["source"] == "Trade Show"
    assert priya.fields["message"] == "Call after Diwali"
    assert priya.extra["Modified Time"] == "2026-10-13 09:14:00"
    assert "status" not in jon.fields and jon.extra["Lead Status"] == "Sleeping"


@pytest.mark.parametrize(
    ("encoding", "prefix"),
    [
        ("utf-8", b""),
        ("utf-8-sig", b""),
        ("utf-16", b""),
        ("utf-16-le", b"\xff\xfe"),
        ("utf-16-be", b"\xfe\xff"),
        ("cp1252", b""),
    ],
)
def test_encodings(tmp_path: Path, encoding: str, prefix: bytes) -> None:
    text = "First Name,Last Name,Email,Company\r\nRené,Müller,rene@mueller.example,Café Zürich\r\n"
    path = tmp_path / "leads.csv"
    path.write_bytes(prefix + text.encode(encoding))
    (rene,) = rows_of(open_lead_file(path))
    assert rene.fields["first_name"] == "René"
    assert rene.fields["last_name"] == "Müller"
    assert rene.fields["company"] == "Café Zürich"
    assert "\ufeff" not in "".join(open_lead_file(path).mapping)


def test_cp1252_detected_even_when_the_accent_is_far_down(tmp_path: Path) -> None:
    lines = (
        ["Name,Email"]
        + [f"Person {i},p{i}@x.example" for i in range(5000)]
        + ["Zoë Ärger,zoe@x.example"]
    )
    path = write(tmp_path, "\n".join(lines) + "\n", encoding="cp1252")
    rows = rows_of(open_lead_file(path))
    assert rows[-1].fields["first_name"] == "Zoë" and rows[-1].fields["last_name"] == "Ärger"


@pytest.mark.parametrize("delimiter", [",", ";", "\t"])
def test_delimiters_and_embedded_newlines(tmp_path: Path, delimiter: str) -> None:
    header = delimiter.join(["Email", "Name", "Notes", "Company"])
    row = delimiter.join(
        ["a@b.example", "Ann Bee", '"line one\r\nline two; with, separators"', "Bee Co"]
    )
    path = write(tmp_path, f"{header}\r\n{row}\r\n{row}\r\n")
    first, second = rows_of(open_lead_file(path))
    assert first.fields["notes"] == "line one\r\nline two; with, separators"
    assert first.fields["company"] == "Bee Co"
    assert (first.row, second.row) == (1, 2)


@pytest.mark.parametrize("cell", [";", "Ana; Bo", "\tAna", "Ruiz, Ana", '"Ruiz, Ana"'])
def test_a_one_column_table_is_split_by_no_character_of_its_cells(
    tmp_path: Path, cell: str
) -> None:
    """The header decides the delimiter: a header with none of , ; or tab is one column, whatever
    its cells hold (hypothesis found a "First Name" file whose ';' cell made it ';'-separated)."""
    path = write(tmp_path, f"First Name\n{cell}\nBo\n")
    first, second = rows_of(open_lead_file(path))
    assert first.fields["first_name"] == cell.strip().strip('"') and first.problem is None
    assert second.fields["first_name"] == "Bo"


def test_excel_sep_hint_and_short_and_long_rows(tmp_path: Path) -> None:
    path = write(tmp_path, "sep=;\nEmail;Name\na@b.example;Ann Bee;surplus\nc@d.example\n")
    lead_file = open_lead_file(path)
    first, second = rows_of(lead_file)
    assert first.extra == {"column 3": "surplus"}
    assert second.fields["email"] == "c@d.example" and second.problem is None


def test_a_person_is_kept_whatever_one_cell_holds(tmp_path: Path) -> None:
    """A name or company with an unusable e-mail or phone is imported, the value kept as written and
    the lead tagged; only a row that names nobody is refused."""
    path = write(
        tmp_path,
        "Name,Email,Phone,Company\n"
        "Ann Bee,not-an-email,,Bee Co\n"
        ",,,Only A Company\n"
        "Cy Dee,cy@dee.example,call me maybe,\n"
        "Di Eff,bad@,614-555-0100,\n"
        "Ed Gee,,12,\n"
        ",not-an-email,12,\n"
        ",,,\n",
    )
    ann, company_only, cy, di, ed, nobody, empty = rows_of(open_lead_file(path))
    assert ann.problem is None and "email" not in ann.fields
    assert ann.extra == {"Email": "not-an-email"} and ann.fields["tags"] == "check email"
    assert company_only.problem is None and company_only.fields["company"] == "Only A Company"
    assert cy.problem is None and "phone" not in cy.fields
    assert cy.extra["Phone"] == "call me maybe" and cy.fields["tags"] == "check phone"
    assert di.problem is None and di.fields["phone"] == "+16145550100"
    assert di.extra["Email"] == "bad@"
    assert ed.problem is None and ed.extra["Phone"] == "12"
    assert nobody.problem == (
        "no name, company, email or phone (email 'not-an-email' is not a valid address; "
        "phone '12' is not a valid phone number)"
    )
    assert empty.problem == "no name, company, email or phone"


def test_mapping_overrides(tmp_path: Path) -> None:
    path = write(
        tmp_path, "Contact,E-Mail Adresse,Telefon,Firma\nAnn Bee,ann@bee.example,030 1234567,Bee\n"
    )
    lead_file = open_lead_file(
        path,
        mapping={
            "e-mail adresse": "email",
            "TELEFON": "phone",
            "Firma": "company",
            "Contact": "extra",
        },
        default_region="DE",
    )
    assert lead_file.mapping == {
        "Contact": None,
        "E-Mail Adresse": "email",
        "Telefon": "phone",
        "Firma": "company",
    }
    (ann,) = rows_of(lead_file)
    assert ann.fields["email"] == "ann@bee.example"
    assert ann.fields["phone"] == "+49301234567"
    assert ann.extra == {"Contact": "Ann Bee"}


def test_rows_can_be_read_twice(tmp_path: Path) -> None:
    path = tmp_path / "copy.csv"
    shutil.copy(DATA / "hubspot_contacts.csv", path)
    lead_file = open_lead_file(path)
    assert lead_file.progress() == 0.0
    assert rows_of(lead_file) == rows_of(lead_file)
    iterator = lead_file.rows()
    next(iterator)
    assert 0.0 < lead_file.progress() <= 1.0


@pytest.mark.parametrize(
    ("content", "words"),
    [
        (b"", "is empty"),
        (b"\r\n\r\n", "is empty"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00", "PNG image"),
        (bytes(range(256)) * 4, "not a text file"),
        (b"PK\x03\x04\x14\x00\x06\x00", "xlsx"),
        (b"First Name,Email\r\n", "no data rows"),
        (b"Colour,Size\nred,XL\n", "no name, email, phone or company column"),
    ],
)
def test_files_that_hold_no_leads(tmp_path: Path, content: bytes, words: str) -> None:
    path = tmp_path / "export.csv"
    path.write_bytes(content)
    with pytest.raises(LeadFileError, match=words) as info:
        open_lead_file(path)
    assert "export.csv" in str(info.value)


def test_missing_file_and_unknown_mapping_field(tmp_path: Path) -> None:
    with pytest.raises(LeadFileError, match="nothere.csv"):
        open_lead_file(tmp_path / "nothere.csv")
    with pytest.raises(LeadFileError, match="'phonenumber'"):
        open_lead_file(DATA / "hubspot_contacts.csv", mapping={"Phone Number": "phonenumber"})


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-10-12T09:14:00Z", datetime(2026, 10, 12, 9, 14, tzinfo=UTC)),
        (
            "2026-10-12T09:14:00-05:00",
            datetime(2026, 10, 12, 9, 14, tzinfo=timezone(timedelta(hours=-5))),
        ),
        ("2026-10-12 09:14", datetime(2026, 10, 12, 9, 14)),
        ("2026-10-12 09:14:05", datetime(2026, 10, 12, 9, 14, 5)),
        ("10/12/2026", datetime(2026, 10, 12)),
        ("10/12/2026 9:14 PM", datetime(2026, 10, 12, 21, 14)),
        ("10/12/2026 12:05 AM", datetime(2026, 10, 12, 0, 5)),
        ("11/20/2026 8:02:11", datetime(2026, 11, 20, 8, 2, 11)),
        ("1791796440000", datetime(2026, 10, 12, 9, 14, tzinfo=UTC)),
        # Google Forms' export and mail-like stamps carry their zone after the time.
        ("2026/11/20 10:31:07 AM GMT", datetime(2026, 11, 20, 10, 31, 7, tzinfo=UTC)),
        (
            "2026/11/20 2:05:44 PM GMT+1",
            datetime(2026, 11, 20, 14, 5, 44, tzinfo=timezone(timedelta(hours=1))),
        ),
        ("11/20/2026 14:05 UTC", datetime(2026, 11, 20, 14, 5, tzinfo=UTC)),
    ],
)
def test_dates(text: str, expected: datetime) -> None:
    assert parse_datetime(text) == expected


@pytest.mark.parametrize("text", ["", "soon", "13/13/2026", "2026-02-30", "99:99", "--04-12"])
def test_unparseable_dates(text: str) -> None:
    assert parse_datetime(text) is None


def test_unparseable_date_is_kept_in_extra(tmp_path: Path) -> None:
    path = write(tmp_path, "Email,Create Date\na@b.example,last Tuesday\n")
    (row,) = rows_of(open_lead_file(path))
    assert row.received_at is None and row.extra["Create Date"] == "last Tuesday"
