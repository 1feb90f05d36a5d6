"""Telling members about an assembly: a :class:`Notice` row shown in the app (the home page
lists the notices of coming assemblies of the user's bodies) and an e-mail to every resident on
its register with an address, sent once the change commits, with the iCalendar file attached.

E-mails are written in the site's language (Spanish by default): an assembly's notice goes to
everyone on the register at once, whatever language each reader's browser asks for.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from functools import partial

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from icalendar import Calendar, Event

from comuna.assemblies.models import Assembly, Notice, Status


def notify(assembly: Assembly, kind: str) -> Notice:
    """Record the notice (inside the caller's transaction) and mail it after commit."""
    notice = Notice.objects.create(assembly=assembly, kind=kind)
    transaction.on_commit(partial(send_emails, notice.pk))
    return notice


def recipients(assembly: Assembly) -> list[str]:
    """The addresses of the residents on the assembly's frozen register (their census e-mail,
    else their login's), each once."""
    seen: dict[str, None] = {}
    rows = assembly.registered.select_related("resident__user").order_by("resident_id")
    for registered in rows:
        resident = registered.resident
        address = resident.email or (resident.user.email if resident.user_id else "")
        if address:
            seen.setdefault(address.strip().lower(), None)
    return list(seen)


def subject(notice: Notice) -> str:
    """What the notice is about, then the assembly's title: "Segunda convocatoria: …"."""
    return f"{notice.get_kind_display()}: {notice.assembly.title}"


def send_emails(notice_id: int) -> int:
    """Mail notice ``notice_id`` to every recipient, one message each (no one sees the others'
    addresses); returns how many were sent."""
    notice = Notice.objects.select_related("assembly__body").filter(pk=notice_id).first()
    if notice is None:
        return 0
    assembly = notice.assembly
    addresses = recipients(assembly)
    if not addresses:
        return 0
    with translation.override(settings.LANGUAGE_CODE):
        title = subject(notice)
        text = render_to_string(
            "web/emails/assembly_notice.txt",
            {
                "notice": notice,
                "assembly": assembly,
                "items": assembly.items.filter(withdrawn=False),
                "withdrawn": assembly.items.filter(withdrawn=True),
                "body": assembly.body,
            },
        )
    calendar = ics(assembly)
    connection = get_connection()
    messages = []
    for address in addresses:
        message = EmailMessage(title, text, None, [address], connection=connection)
        message.attach(f"asamblea-{assembly.pk}.ics", calendar, "text/calendar")
        messages.append(message)
    return connection.send_messages(messages) or 0


def ics(assembly: Assembly) -> bytes:
    """The assembly as an iCalendar event (RFC 5545): one UID per assembly whatever changes,
    its SEQUENCE raised by each amendment so calendars replace the earlier copy."""
    with translation.override(settings.LANGUAGE_CODE):
        calendar = Calendar()
        calendar.add("prodid", "-//Comuna//Asambleas//ES")
        calendar.add("version", "2.0")
        calendar.add("method", "PUBLISH")
        event = Event()
        event.add("uid", f"assembly-{assembly.pk}@{assembly.body.slug}.comuna")
        event.add("sequence", assembly.notices.filter(kind=Notice.Kind.AGENDA_AMENDED).count())
        event.add("dtstamp", timezone.now())
        event.add("dtstart", assembly.starts_at)
        event.add("summary", assembly.title)
        event.add("location", assembly.place)
        if assembly.online_url:
            event.add("url", assembly.online_url)
        event.add("description", agenda_text(assembly))
        event.add("status", "CANCELLED" if assembly.status == Status.FAILED else "CONFIRMED")
        calendar.add_component(event)
    return calendar.to_ical()


def agenda_text(assembly: Assembly) -> str:
    """The description and agenda as plain text (withdrawn items left out)."""
    lines = [assembly.description, ""] if assembly.description else []
    lines.append(_("Agenda:"))
    items = assembly.items.filter(withdrawn=False).order_by("position", "pk")
    for n, item in enumerate(items, start=1):
        lines.append(f"{n}. {item.text} ({item.get_majority_display()})")
    if assembly.online_url:
        lines += ["", _("Online link: %(url)s") % {"url": assembly.online_url}]
    return "\n".join(lines)


def coming_for(bodies, now: datetime | None = None, limit: int = 10) -> list[Notice]:
    """The latest notice of each coming assembly (convened or in session) of ``bodies``."""
    if not bodies:
        return []
    now = now or timezone.now()
    found = (
        Notice.objects.filter(
            Q(assembly__status=Status.IN_SESSION)
            | Q(assembly__status=Status.CONVENED, assembly__starts_at__gte=now - timedelta(days=1)),
            assembly__body__in=bodies,
        )
        .select_related("assembly__body")
        .order_by("assembly__starts_at", "-created_at", "-id")
    )
    latest: dict[int, Notice] = {}
    for notice in found:
        latest.setdefault(notice.assembly_id, notice)
        if len(latest) >= limit:
            break
    return list(latest.values())
