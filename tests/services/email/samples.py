"""Mail as it really comes back, written out by hand after Gmail, Outlook/Exchange and Postfix:
replies, vacation and out-of-office answers, and RFC 3464 delivery reports."""

from __future__ import annotations


def _crlf(text: str) -> bytes:
    return text.lstrip("\n").replace("\n", "\r\n").encode("utf-8")


def gmail_reply(our_id: str, *, text: str = "Thanks Sam, Tuesday at 10 works for us.") -> bytes:
    return _crlf(f"""
MIME-Version: 1.0
Date: Tue, 1 Dec 2026 10:12:41 -0800
References: {our_id}
In-Reply-To: {our_id}
Message-ID: <CAF2j8Q=xYz0kW1pQ@mail.gmail.com>
Subject: Re: Thanks for getting in touch, Jane
From: Jane Doe <jane@acme.test>
To: Sam Ortiz <sam@shop.test>
Content-Type: multipart/alternative; boundary="000000000000a1b2c3d4e5f60718"
X-Gm-Message-State: AOJu0YwExample

--000000000000a1b2c3d4e5f60718
Content-Type: text/plain; charset="UTF-8"

{text}

On Tue, Dec 1, 2026 at 9:03 AM Sam Ortiz <sam@shop.test> wrote:

> Hi Jane,
>
> Thank you for reaching out to us. You wrote:
>

--000000000000a1b2c3d4e5f60718
Content-Type: text/html; charset="UTF-8"

<div dir="ltr">{text}</div><br><div class="gmail_quote">On Tue, Dec 1, 2026 at 9:03 AM Sam
Ortiz &lt;sam@shop.test&gt; wrote:<br><blockquote>Hi Jane,</blockquote></div>

--000000000000a1b2c3d4e5f60718--
""")


def outlook_reply_without_thread_headers(text: str) -> bytes:
    """Outlook on a phone that drops In-Reply-To: matched by the sender's address."""
    return _crlf(f"""
From: "Doe, Jane" <Jane@Acme.test>
To: Sam Ortiz <sam@shop.test>
Subject: RE: Thanks for getting in touch, Jane
Thread-Topic: Thanks for getting in touch, Jane
Thread-Index: AQHZx3Q5mB2kqV0e1UuN4kQGxF0Frw==
Date: Tue, 1 Dec 2026 18:20:05 +0000
Message-ID: <DM6PR11MB4546E1B2C3D4E5F6A7B8C9D0E1F2A@DM6PR11MB4546.namprd11.prod.outlook.com>
Accept-Language: en-US
Content-Language: en-US
X-MS-Has-Attach:
X-MS-TNEF-Correlator:
Content-Type: text/plain; charset="us-ascii"
Content-Transfer-Encoding: quoted-printable
MIME-Version: 1.0

{text}

________________________________
From: Sam Ortiz <sam@shop.test>
Sent: Tuesday, December 1, 2026 9:03 AM
To: Jane Doe <jane@acme.test>
Subject: Thanks for getting in touch, Jane

Hi Jane,
""")


def gmail_vacation(our_id: str) -> bytes:
    return _crlf(f"""
MIME-Version: 1.0
Date: Tue, 1 Dec 2026 09:03:12 -0800
References: {our_id}
In-Reply-To: {our_id}
Message-ID: <CAF2j8Q=vacation77@mail.gmail.com>
Subject: Out until Monday
From: Jane Doe <jane@acme.test>
To: Sam Ortiz <sam@shop.test>
Auto-Submitted: auto-replied
Precedence: bulk
X-Autoreply: yes
Content-Type: text/plain; charset="UTF-8"

I'm away until Monday 7 December with limited access to email.
""")


def exchange_out_of_office(our_id: str) -> bytes:
    """Exchange's automatic reply: no Auto-Submitted header, its own subject prefix."""
    return _crlf(f"""
From: Jane Doe <jane@acme.test>
To: Sam Ortiz <sam@shop.test>
Subject: Automatic reply: Thanks for getting in touch, Jane
Thread-Topic: Thanks for getting in touch, Jane
Date: Tue, 1 Dec 2026 17:03:40 +0000
Message-ID: <8b1f2e0c9a7d4c55b1e2@EXCH01.acme.test>
In-Reply-To: {our_id}
X-MS-Exchange-Inbox-Rules-Loop: jane@acme.test
X-Auto-Response-Suppress: All
X-MS-Exchange-Generated-Message-Source: Mailbox Rules Agent
Content-Type: text/plain; charset="utf-8"
MIME-Version: 1.0

I am out of the office until 7 December. For urgent matters please call +1 415 555 0100.
""")


def postfix_bounce(our_id: str, recipient: str = "jane@acme.test") -> bytes:
    return _crlf(f"""
Return-Path: <>
Date: Tue,  1 Dec 2026 17:03:15 +0000 (UTC)
From: MAILER-DAEMON@mail.shop.test (Mail Delivery System)
Subject: Undelivered Mail Returned to Sender
To: sam@shop.test
Auto-Submitted: auto-replied
MIME-Version: 1.0
Content-Type: multipart/report; report-type=delivery-status;
\tboundary="4C1F21A0E2.1764608595/mail.shop.test"
Content-Transfer-Encoding: 8bit
Message-Id: <20261201170315.5D0E21A0E3@mail.shop.test>

This is a MIME-encapsulated message.

--4C1F21A0E2.1764608595/mail.shop.test
Content-Description: Notification
Content-Type: text/plain; charset=us-ascii

This is the mail system at host mail.shop.test.

I'm sorry to have to inform you that your message could not
be delivered to one or more recipients.

<{recipient}>: host mx.acme.test[203.0.113.7] said: 550 5.1.1
    <{recipient}>: Recipient address rejected: User unknown

--4C1F21A0E2.1764608595/mail.shop.test
Content-Description: Delivery report
Content-Type: message/delivery-status

Reporting-MTA: dns; mail.shop.test
X-Postfix-Queue-ID: 4C1F21A0E2
X-Postfix-Sender: rfc822; sam@shop.test
Arrival-Date: Tue,  1 Dec 2026 17:03:14 +0000 (UTC)

Final-Recipient: rfc822; {recipient}
Original-Recipient: rfc822;{recipient}
Action: failed
Status: 5.1.1
Remote-MTA: dns; mx.acme.test
Diagnostic-Code: smtp; 550 5.1.1 <{recipient}>: Recipient address rejected:
    User unknown

--4C1F21A0E2.1764608595/mail.shop.test
Content-Description: Undelivered Message Headers
Content-Type: text/rfc822-headers

From: Sam Ortiz <sam@shop.test>
To: Jane Doe <{recipient}>
Subject: Thanks for getting in touch, Jane
Date: Tue, 01 Dec 2026 17:03:13 -0000
Message-ID: {our_id}

--4C1F21A0E2.1764608595/mail.shop.test--
""")


def postfix_delay(our_id: str) -> bytes:
    """A "delayed" report: not a bounce (the server keeps trying)."""
    return (
        postfix_bounce(our_id)
        .replace(b"Action: failed", b"Action: delayed")
        .replace(b"Status: 5.1.1", b"Status: 4.4.1")
        .replace(b"Undelivered Mail Returned to Sender", b"Delayed Mail (still being retried)")
    )


def exchange_ndr(recipient: str = "jane@acme.test") -> bytes:
    """Exchange Online's non-delivery report, with the original message attached (no thread
    headers of ours survive in it: matched by the failed recipient)."""
    return _crlf(f"""
From: Microsoft Outlook <MicrosoftExchange329e71ec88ae4615bbc36ab6ce41109e@shop.test>
To: <sam@shop.test>
Date: Tue, 1 Dec 2026 17:05:02 +0000
Content-Type: multipart/report; report-type=delivery-status;
\tboundary="0d3e5f6a-1b2c-4d5e-8f90-a1b2c3d4e5f6"
X-MS-Exchange-Message-Is-Ndr:
Content-Language: en-US
Message-ID: <ae1c7f2b-5d44-4b55-9f1e-0c2d3e4f5a6b@BN8NAM11HT123.mail.protection.outlook.com>
Subject: Undeliverable: Thanks for getting in touch, Jane
Auto-Submitted: auto-replied
MIME-Version: 1.0

--0d3e5f6a-1b2c-4d5e-8f90-a1b2c3d4e5f6
Content-Type: text/plain; charset="us-ascii"

Your message to {recipient} couldn't be delivered.
jane wasn't found at acme.test.

--0d3e5f6a-1b2c-4d5e-8f90-a1b2c3d4e5f6
Content-Type: message/delivery-status

Reporting-MTA: dns;BN8NAM11HT123.mail.protection.outlook.com
Received-From-MTA: dns;mail.shop.test
Arrival-Date: Tue, 1 Dec 2026 17:05:01 +0000

Final-Recipient: rfc822;{recipient}
Action: failed
Status: 5.1.10
Diagnostic-Code: smtp;550 5.1.10 RESOLVER.ADR.RecipientNotFound; Recipient not found by SMTP
 address lookup

--0d3e5f6a-1b2c-4d5e-8f90-a1b2c3d4e5f6
Content-Type: message/rfc822

From: Sam Ortiz <sam@shop.test>
To: Jane Doe <{recipient}>
Subject: Thanks for getting in touch, Jane
Date: Tue, 1 Dec 2026 17:04:59 +0000
MIME-Version: 1.0
Content-Type: text/plain; charset="utf-8"

Hi Jane,

--0d3e5f6a-1b2c-4d5e-8f90-a1b2c3d4e5f6--
""")
