"""Admins' corrections are recorded per field, and re-extraction from the stored originals never overwrites them."""
import io

import pytest
from django.core.management import call_command

from replies.models import AuditEvent, Reply
from replies.services import reply_save


def reextract(*args: str) -> str:
    out = io.StringIO()
    call_command("reextract", *args, stdout=out)
    return out.getvalue()


def test_a_correction_is_recorded_by_field_and_an_untouched_body_is_no_change(seeds):
    reply = Reply.objects.get(pk=seeds["002"].pk)
    reply.signer = "王五"
    reply.body = reply.body.replace("\n", "\r\n")  # what a browser's textarea sends back
    reply_save(reply=reply)
    reply.refresh_from_db()
    assert reply.corrected_fields == ["signer"]
    event = AuditEvent.objects.filter(reply=reply, action=AuditEvent.Action.EDITED).latest("id")
    assert event.detail == "修改了：签发人"


def test_reextract_reports_then_restores_fields_and_keeps_corrections(seeds, django_capture_on_commit_callbacks):
    corrected = Reply.objects.get(pk=seeds["002"].pk)
    corrected.signer = "王五"
    reply_save(reply=corrected)
    # As if an older extractor had missed the session and number of seed 000.
    stale = seeds["000"]
    session = stale.session
    assert session and stale.proposal_number == "099"
    Reply.objects.filter(pk=stale.pk).update(session="", proposal_number="")
    report = reextract("--dry-run")
    assert "would change 1" in report and "session: 1" in report and "proposal_number: 1" in report
    assert Reply.objects.get(pk=stale.pk).session == ""
    with django_capture_on_commit_callbacks(execute=True):
        report = reextract()
    assert "changed 1" in report
    stale.refresh_from_db()
    assert stale.session == session and stale.proposal_number == "099"
    assert Reply.objects.get(pk=corrected.pk).signer == "王五"
    assert "would change 0" in reextract("--dry-run")


def test_reextract_since_a_day_after_every_upload_checks_nothing(seeds):
    assert "checked 0 replies" in reextract("--dry-run", "--since", "2999-01-01")


def test_measure_extraction_reports_how_often_each_field_was_corrected(seeds, capsys):
    import importlib.util
    from pathlib import Path

    script = Path(__file__).resolve().parent.parent / "scripts" / "measure_extraction.py"
    spec = importlib.util.spec_from_file_location("measure_extraction", script)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    reply = Reply.objects.get(pk=seeds["002"].pk)
    reply.signer = "王五"
    reply_save(reply=reply)
    assert module.main(["--corrections"]) == 0
    lines = {line.split()[0]: line.split()[1:] for line in capsys.readouterr().out.splitlines()[2:] if line.strip()}
    assert lines["signer"] == ["1", "20.0%"] and lines["title"] == ["0", "0.0%"]
