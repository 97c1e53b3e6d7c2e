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


def test_each_seeds_reply_page_shows_its_commitments(client, seeds, settings, django_user_model):
    """The Done-when of issue 18: seeds 000, 002 and 003 each show their commitments on their page (to staff, and to
    the public with PUBLIC_COMMITMENTS); 002's promise carries a deadline read from the reply's year."""
    from django.utils.html import escape

    def commitments_section(reply) -> str:
        page = client.get(reply.get_absolute_url()).content.decode()
        assert 'class="commitments-of-reply"' in page, reply
        return page.split('class="commitments-of-reply"', 1)[1].split("</section>", 1)[0]

    assert 'class="commitments-of-reply"' not in client.get(seeds["002"].get_absolute_url()).content.decode(), \
        "the public sees none by default"
    client.force_login(django_user_model.objects.create_user("staff", password="a-long-test-password", is_staff=True))
    for prefix in ("000", "002", "003"):
        section = commitments_section(seeds[prefix])
        for commitment in seeds[prefix].commitments.all():
            assert escape(commitment.sentence) in section, (prefix, commitment.sentence)
    section = commitments_section(seeds["002"])
    promise = section.split("认定省级以上企业技术中心30家", 1)[1].split("</li>", 1)[0]
    assert '<time datetime="2021-12-31">2021年12月31日</time>' in promise and "已逾期" in promise
    client.logout()
    settings.PUBLIC_COMMITMENTS = True
    for prefix in ("000", "002", "003"):
        assert seeds[prefix].commitments.first().sentence[:20] in commitments_section(seeds[prefix])


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
