"""Forwarding in the Wagtail admin: status per target and per source, dead letters and their replay."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from .models import ErasureNotice, ForwardTarget, OutboxEntry, PullSource
from .outbox import outbox_replay, targets_status


def _require(request, permission: str) -> None:
    if not request.user.has_perm(f"xapi_forwarding.{permission}"):
        raise PermissionDenied


def forwarding_status(request):
    _require(request, "view_forwardtarget")
    return render(
        request,
        "xapi_forwarding/admin/status.html",
        {
            "statuses": targets_status(),
            "sources": PullSource.objects.order_by("name"),
            "erasures": ErasureNotice.objects.filter(settled_at__isnull=True).select_related("target"),
            "page_title": _("Transfert xAPI : état"),
        },
    )


def dead_letters(request, pk: int):
    _require(request, "view_forwardtarget")
    target = get_object_or_404(ForwardTarget, pk=pk)
    rows = OutboxEntry.objects.filter(target=target, status=OutboxEntry.Status.DEAD).order_by("-id")[:500]
    return render(
        request,
        "xapi_forwarding/admin/dead_letters.html",
        {"target": target, "rows": rows, "page_title": _("Lettres mortes : %(name)s") % {"name": target.name}},
    )


@require_POST
def dead_letters_replay(request, pk: int):
    _require(request, "change_forwardtarget")
    target = get_object_or_404(ForwardTarget, pk=pk)
    entry_ids = [int(i) for i in request.POST.getlist("entry") if i.isdigit()] or None
    count = outbox_replay(target=target, entry_ids=entry_ids)
    messages.success(
        request, _("%(count)d envois remis en file pour « %(name)s ».") % {"count": count, "name": target.name}
    )
    return redirect("xapi_forwarding_dead_letters", pk=target.pk)


@require_POST
def erasure_notice_settle(request, pk: int):
    """The administrator asked the target's operator to erase their copies: the notice is settled."""
    _require(request, "change_forwardtarget")
    notice = get_object_or_404(ErasureNotice, pk=pk, settled_at__isnull=True)
    notice.settled_at = timezone.now()
    notice.save(update_fields=["settled_at"])
    messages.success(request, _("Effacement noté comme relayé à « %(name)s ».") % {"name": notice.target.name})
    return redirect("xapi_forwarding_status")
