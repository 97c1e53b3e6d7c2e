"""Downloads: search results as CSV or JSON, the whole published archive as JSON Lines, the 承诺跟踪 list as xlsx.

The JSON records carry the same fields as the API (replies.api.serializers), so that a script
written against one reads the other. The CSV has one column per field, with Chinese headers,
and starts with a byte-order mark so that Excel reads it as UTF-8.
"""
from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Iterator

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell

from replies.api.serializers import ReplyDetailSerializer, ReplySerializer
from replies.models import Commitment, Reply

EXPORT_CAP = 5000  # the most search results one download holds
UTF8_BOM = "\ufeff"
CSV_COLUMNS = (
    ("文号", lambda reply: reply.doc_number),
    ("标题", lambda reply: reply.title),
    ("类别", lambda reply: reply.get_kind_display()),
    ("届次", lambda reply: reply.session),
    ("建议/提案号", lambda reply: reply.proposal_number),
    ("建议/提案标题", lambda reply: reply.proposal_title),
    ("答复对象", lambda reply: "、".join(str(person) for person in reply.addressees.all())),
    ("发布机构", lambda reply: reply.issuing_organ),
    ("签发人", lambda reply: reply.signer),
    ("经办人", lambda reply: reply.handler),
    ("联系电话", lambda reply: reply.phone),
    ("抄送", lambda reply: "、".join(reply.cc)),
    ("索引号", lambda reply: reply.index_number),
    ("主题分类", lambda reply: reply.subject_category),
    ("办理类别", lambda reply: reply.handling_category),
    ("承办角色", lambda reply: reply.handling_role),
    ("满意度", lambda reply: reply.satisfaction),
    ("成文日期", lambda reply: reply.date.isoformat() if reply.date else ""),
    ("年份", lambda reply: str(reply.year or "")),
    ("主题", lambda reply: "、".join(topic.name for topic in reply.topics.all())),
    ("状态", lambda reply: reply.get_status_display()),
)
# A cell starting with one of these is a formula to a spreadsheet ("CSV injection").
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def csv_safe(value: str) -> str:
    """The value, with a leading apostrophe when a spreadsheet would run it as a formula."""
    return "'" + value if value.startswith(_FORMULA_STARTS) else value


def replies_csv(replies: Iterable[Reply], *, absolute_url) -> str:
    """The replies as CSV text, BOM first, one header row, then one row per reply with its page's URL last."""
    out = io.StringIO()
    out.write(UTF8_BOM)
    writer = csv.writer(out)
    writer.writerow(["编号", *(header for header, _ in CSV_COLUMNS), "链接"])
    for reply in replies:
        cells = [csv_safe(str(value(reply) or "")) for _, value in CSV_COLUMNS]
        writer.writerow([reply.pk, *cells, absolute_url(reply.get_absolute_url())])
    return out.getvalue()


XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def replies_xlsx(replies: Iterable[Reply], *, absolute_url) -> bytes:
    """The same columns and rows as the CSV, as an Excel workbook whose cells are all text: a spreadsheet
    opening the CSV turns 建议号 0287 into the number 287, and a date into its own format."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("答复")
    headers = ["编号", *(header for header, _ in CSV_COLUMNS), "链接"]
    sheet.append([_text_cell(sheet, header) for header in headers])
    for reply in replies:
        values = [str(reply.pk), *(str(value(reply) or "") for _, value in CSV_COLUMNS),
                  absolute_url(reply.get_absolute_url())]
        sheet.append([_text_cell(sheet, value) for value in values])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


COMMITMENT_COLUMNS = (
    ("发布机构", lambda commitment: commitment.reply.issuing_organ),
    ("文号", lambda commitment: commitment.reply.doc_number),
    ("答复标题", lambda commitment: commitment.reply.title),
    ("承诺原文", lambda commitment: commitment.sentence),
    ("期限", lambda commitment: commitment.deadline.isoformat() if commitment.deadline else ""),
    ("状态", lambda commitment: "已逾期" if commitment.is_overdue else commitment.get_status_display()),
    ("说明", lambda commitment: commitment.note),
    ("标记时间", lambda commitment: commitment.updated_at.strftime("%Y-%m-%d %H:%M") if commitment.updated_at else ""),
)


def commitments_xlsx(commitments: Iterable[Commitment], *, absolute_url) -> bytes:
    """The 承诺跟踪 list as an Excel workbook of text cells, each row with its reply's address last."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("承诺跟踪")
    sheet.append([_text_cell(sheet, header) for header in (*(header for header, _ in COMMITMENT_COLUMNS), "链接")])
    for commitment in commitments:
        values = [str(value(commitment) or "") for _, value in COMMITMENT_COLUMNS]
        values.append(absolute_url(commitment.reply.get_absolute_url()))
        sheet.append([_text_cell(sheet, value) for value in values])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def _text_cell(sheet, value: str) -> WriteOnlyCell:
    # A string value is never a formula here: openpyxl would write "=…" as one, so such text is kept as text.
    cell = WriteOnlyCell(sheet, value=value)
    cell.data_type = "s"
    cell.number_format = "@"
    return cell


def reply_records(replies: Iterable[Reply], *, request, with_body: bool = False) -> list[dict]:
    serializer = ReplyDetailSerializer if with_body else ReplySerializer
    return [serializer(reply, context={"request": request}).data for reply in replies]


def search_results_json(*, replies: list[Reply], query: dict[str, str], total: int, request) -> str:
    return json.dumps(
        {
            "query": query,
            "total": total,
            "count": len(replies),
            "truncated": total > len(replies),
            "results": reply_records(replies, request=request),
        },
        ensure_ascii=False,
        indent=1,
    )


def archive_jsonl_lines(replies: Iterable[Reply], *, request) -> Iterator[str]:
    """One JSON object a line (metadata and body text, as /api/replies/<id>/ gives them) per reply."""
    for reply in replies:
        yield json.dumps(ReplyDetailSerializer(reply, context={"request": request}).data, ensure_ascii=False) + "\n"
