"""Commitments stored with their replies: seeds, re-extraction keeping staff's marks, the mark service."""
import datetime

import pytest

from replies.models import AuditEvent, Commitment
from replies.services import commitment_mark, reply_save


def test_seeds_000_002_003_show_their_commitments(seeds):
    for prefix in ("000", "002", "003"):
        assert seeds[prefix].commitments.exists(), prefix
    promise = seeds["002"].commitments.get(sentence__contains="认定省级以上企业技术中心30家")
    assert promise.deadline == datetime.date(2021, 12, 31), "the deadline comes from the reply's year"
    body = seeds["002"].body
    assert body[promise.start:promise.end] == promise.sentence
    assert seeds["000"].commitments.filter(sentence__contains="“十四五”我市将全面落实").exists()
    assert seeds["003"].commitments.filter(sentence__startswith="下一步，我市将按照省产业强链行动计划").exists()


def test_a_mark_survives_a_save_when_the_sentence_is_unchanged(seeds, django_user_model):
    staff = django_user_model.objects.create_user("staff", is_staff=True)
    reply = seeds["002"]
    promise = reply.commitments.get(sentence__contains="认定省级以上企业技术中心30家")
    other = reply.commitments.get(sentence__contains="6月底前，将认定第二批")
    commitment_mark(commitment=promise, status=Commitment.Status.DONE, note="已认定32家", user=staff)
    commitment_mark(commitment=other, status=Commitment.Status.DONE, note="已办", user=staff)
    reply.body = reply.body.replace("6月底前，将认定第二批", "9月底前，将认定第二批")
    reply_save(reply=reply, user=staff)
    kept = reply.commitments.get(sentence__contains="认定省级以上企业技术中心30家")
    assert (kept.status, kept.note, kept.updated_by) == (Commitment.Status.DONE, "已认定32家", staff)
    changed = reply.commitments.get(sentence__contains="9月底前，将认定第二批")
    assert changed.status == Commitment.Status.OPEN and changed.deadline == datetime.date(2021, 9, 30)
    assert AuditEvent.objects.filter(action=AuditEvent.Action.COMMITMENT_MARKED, user=staff).count() == 2


def test_overdue_is_derived_from_today(seeds):
    promise = seeds["002"].commitments.filter(deadline__isnull=False).first()
    assert promise.is_overdue  # 2021 is past
    promise.status = Commitment.Status.DONE
    assert not promise.is_overdue
    promise.status, promise.deadline = Commitment.Status.OPEN, datetime.date.today() + datetime.timedelta(days=1)
    assert not promise.is_overdue


def test_marking_refuses_an_unknown_status(seeds):
    with pytest.raises(ValueError):
        commitment_mark(commitment=seeds["002"].commitments.first(), status="overdue")
