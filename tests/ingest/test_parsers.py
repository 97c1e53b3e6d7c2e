"""Parsers on real files of every supported format, alone and through the ingest service.

The samples are generated once per module (tests/ingest/samples.py): PDFs by reportlab with
the CJK font embedded, scans drawn by Pillow and read back by Tesseract, .docx by python-docx,
.doc and .rtf by LibreOffice. Tesseract (chi_sim) and LibreOffice are installed by `make test`;
a test fails rather than skips when they are missing.
"""
import io
import os
import shutil
import zipfile

import pytest

from replies.ingest.errors import IngestRefused
from replies.ingest.parsers.html import label_pairs
from replies.ingest.parsers.layout import PlacedLine, paragraphs_text
from replies.ingest.parsers.pdf import PdfPage
from replies.ingest.parsers.registry import parser_for
from replies.ingest.parsers.text import sniff_utf16_without_bom
from replies.ingest.parsers.tools import ExternalTools
from replies.ingest.pipeline import prepare_document, repair_text
from replies.models import Reply, SourceFile
from replies.services import IngestOutcome
from search.selectors import SearchParams, reply_search
from tests.conftest import seed_path
from tests.ingest import samples

TOOLS = ExternalTools()
NO_TESSERACT = ExternalTools(tesseract_command="/nonexistent/tesseract")
NO_LIBREOFFICE = ExternalTools(libreoffice_command="/nonexistent/soffice")
MAX_BYTES = 50 * 1024 * 1024


@pytest.fixture(scope="module")
def files() -> dict[str, bytes]:
    assert shutil.which("tesseract"), "tesseract is missing: run `make test` (scripts/install_system_packages.sh)"
    assert shutil.which("soffice"), "LibreOffice is missing: run `make test` (scripts/install_system_packages.sh)"
    scan = samples.reply_image()
    pdf = samples.text_pdf()
    docx = samples.reply_docx()
    seed_text = seed_path("000").read_text(encoding="utf-8")
    return {
        "html": samples.gbk_page(),
        "pdf": pdf,
        "png": samples.image_bytes(scan, "PNG"),
        "jpeg": samples.image_bytes(scan, "JPEG"),
        "tiff": samples.image_bytes(scan, "TIFF"),
        "scanned_pdf": samples.scanned_pdf(scan),
        "docx": docx,
        "doc": samples.converted_by_libreoffice(docx, ".docx", "doc"),
        "rtf": samples.converted_by_libreoffice(docx, ".docx", "rtf"),
        "utf16le": seed_text.encode("utf-16-le"),
        "utf16be": seed_text.encode("utf-16-be"),
        "truncated_pdf": pdf[: len(pdf) * 2 // 3],
        "truncated_docx": docx[: len(docx) // 2],
    }


def parse(content: bytes, filename: str, tools: ExternalTools = TOOLS):
    return parser_for(content, filename, tools=tools).parse(content, filename)


def fields_of(content: bytes, filename: str, tools: ExternalTools = TOOLS):
    return prepare_document(content, filename, max_bytes=MAX_BYTES, tools=tools).fields


def refusal(content: bytes, filename: str) -> IngestRefused:
    with pytest.raises(IngestRefused) as refused:
        parse(content, filename)
    return refused.value


def search_ids(query: str) -> set[int]:
    results = reply_search(params=SearchParams(q=query))
    return {hit.reply_id for hit in results[0 : results.count()]}


# --- choice by content -------------------------------------------------------------------

@pytest.mark.parametrize(
    ("sample", "filename", "parser"),
    [
        ("pdf", "reply.pdf", "pdf"),
        ("pdf", "reply.txt", "pdf"),
        ("docx", "reply.bin", "docx"),
        ("html", "saved.txt", "html"),
        ("png", "photo.jpg", "image"),
        ("tiff", "scan", "image"),
        ("doc", "reply.doc", "legacy_office"),
        ("doc", "reply.wps", "legacy_office"),
        ("rtf", "reply.doc", "legacy_office"),
        ("utf16le", "reply.txt", "text"),
    ],
)
def test_the_parser_is_chosen_by_content_not_by_name(files, sample, filename, parser):
    assert parser_for(files[sample], filename, tools=TOOLS).name == parser


# --- HTML --------------------------------------------------------------------------------

def test_html_page_in_gbk_gives_metadata_lines_then_the_body(files):
    parsed = parse(files["html"], "reply.html")
    assert parsed.encoding == "gb18030"
    assert parsed.content_type == "text/html"
    assert parsed.metadata["索引号"] == "014109461/2023-00112"
    assert parsed.metadata["文件编号"] == "常住建复〔2023〕第31号"
    assert parsed.metadata["关键词"] == "历史街区 城市更新", "a label cell without a colon"
    lines = parsed.text.split("\n")
    assert lines[:3] == [
        "信息名称：关于对市十七届人大二次会议第0203号建议的答复",
        "索引号：014109461/2023-00112",
        "主题分类：城乡建设、环境保护",
    ]
    assert lines.index("尊敬的赵敏代表：") > lines.index("发布日期：2023-07-06")
    assert "市财政每年安排历史街区保护专项资金3000万元。" in lines, "<br> breaks a paragraph"
    for clutter in ("不该出现的脚本文字", "body {", "首页", "当前位置", "打印本页", "版权所有", "隐藏的统计代码", "浏览次数"):
        assert clutter not in parsed.text, clutter


def test_html_fields_come_out_as_from_a_saved_web_copy(files):
    fields = fields_of(files["html"], "reply.html")
    assert fields.title == "关于对市十七届人大二次会议第0203号建议的答复"
    assert fields.doc_number.text == "常住建复〔2023〕第31号"
    assert fields.index_number == "014109461/2023-00112"
    assert (fields.subject_category, fields.genre) == ("城乡建设、环境保护", "建议提案答复")
    assert fields.signer == "王建国"
    assert fields.phone == "0519-85682345"
    assert fields.date.isoformat() == "2023-06-28"
    assert [a.name for a in fields.addressees] == ["赵敏"]


def test_html_charset_is_detected_when_a_page_declares_none():
    page = "<html><body><div><p>关于对市政协提案的答复</p><p>何银刚委员：您提出的提案收悉，现答复如下：经认真研究。</p></div></body></html>"
    parsed = parse(page.encode("gb18030"), "page.htm")
    assert "何银刚委员：" in parsed.text
    assert parsed.encoding == "gb18030"


def test_html_declared_gb2312_may_use_characters_outside_it():
    page = '<html><head><meta charset="gb2312"></head><body><p>王喆代表：您的建议收悉。</p></body></html>'
    assert "王喆代表" in parse(page.encode("gbk"), "page.html").text, "喆 is GBK, not GB2312"


def test_label_pairs_split_several_labels_on_one_line():
    assert label_pairs("主题分类：其他 体裁分类:通知 索 引 号：014/2020") == [
        ("主题分类", "其他"), ("体裁分类", "通知"), ("索引号", "014/2020"),
    ]
    assert label_pairs("正文提到索引号：不是元数据") == []


# --- PDF with a text layer ------------------------------------------------------------------

def test_pdf_text_layer_is_read_with_its_chinese_and_page_break(files):
    parsed = parse(files["pdf"], "reply.pdf")
    assert parsed.flags == ()
    assert samples.TITLE in parsed.text
    page_one, page_two = parsed.text.split("\n\n")
    assert page_one.endswith("未来一个时\n- 1 -")
    assert page_two.startswith("间，国内市场")
    text, _, _ = repair_text(parsed.text)
    assert "未来一个时间，国内市场" in text, "the sentence cut by the page break is joined"
    assert "- 2 -" not in text


def test_pdf_lines_wrapped_by_the_layout_are_one_paragraph(files):
    lines = parse(files["pdf"], "reply.pdf").text.split("\n")
    assert samples.OPENING in lines
    assert "2021年5月20日" in lines, "a flush-right date is not joined to the next line"
    assert "签发人：张志强" in lines


def test_pdf_fields(files):
    fields = fields_of(files["pdf"], "reply.pdf")
    assert fields.doc_number.text == "常工信复〔2021〕第22号"
    assert fields.title == samples.TITLE
    assert fields.signer == "张志强"
    assert fields.handler == "余亮明"
    assert fields.cc == ["市政府办公室", "市人大代表工委"]
    assert fields.date.isoformat() == "2021-05-20"


def test_a_truncated_pdf_is_refused_as_incomplete(files):
    refused = refusal(files["truncated_pdf"], "reply.pdf")
    assert refused.code == "corrupt"
    assert "PDF" in refused.reason and "截断" in refused.reason


@pytest.mark.parametrize(
    ("page", "needs_ocr"),
    [
        (PdfPage(text="", has_image=True), True),
        (PdfPage(text="关于对提案的答复，现答复如下。", has_image=True), False),
        (PdfPage(text="", has_image=False), False),
        (PdfPage(text="签发人", has_image=False, unmapped_glyphs=200), True),
    ],
    ids=["scan", "text-with-logo", "blank-page", "unmapped-glyphs"],
)
def test_pages_without_a_usable_text_layer_go_to_ocr(page, needs_ocr):
    assert page.needs_ocr is needs_ocr


def test_a_pdf_that_only_forbids_copying_is_read_and_one_with_a_password_refused():
    assert samples.OPENING in parse(samples.encrypted_pdf(""), "protected.pdf").text
    refused = refusal(samples.encrypted_pdf("secret"), "locked.pdf")
    assert refused.code == "encrypted" and "密码" in refused.reason


def test_a_pdf_with_damaged_objects_is_refused_without_a_traceback(files):
    damaged = files["pdf"].replace(b"/Pages", b"/Pagex").replace(b"xref", b"xxxx")
    with pytest.raises(IngestRefused) as refused:
        prepare_document(damaged, "reply.pdf", max_bytes=MAX_BYTES, tools=TOOLS)
    assert refused.value.code in {"corrupt", "no_text"}


# --- OCR: images and scanned PDFs ------------------------------------------------------------

@pytest.mark.parametrize(("sample", "content_type"), [("png", "image/png"), ("jpeg", "image/jpeg"), ("tiff", "image/tiff")])
def test_images_are_read_by_ocr(files, sample, content_type):
    parsed = parse(files[sample], f"scan.{sample}")
    assert parsed.flags == ("ocr",)
    assert parsed.content_type == content_type
    assert "代表建议第099号的答复" in parsed.text
    assert "常州市工业和信息化局" in parsed.text
    assert " " not in parsed.text.split("\n")[0], "no spaces between CJK characters"


def test_scanned_pdf_pages_are_read_by_ocr(files):
    parsed = parse(files["scanned_pdf"], "scan.pdf")
    assert parsed.flags == ("ocr",)
    assert parsed.content_type == "application/pdf"
    assert "签发人" in parsed.text and "张志强" in parsed.text


def test_ocr_text_gives_the_doc_number_title_and_signer(files):
    fields = fields_of(files["scanned_pdf"], "scan.pdf")
    assert fields.doc_number is not None and fields.doc_number.key == "常工信复|2021|22"
    assert "代表建议第099号的答复" in fields.title
    assert fields.signer == "张志强"
    assert fields.phone == "85681275"


@pytest.mark.parametrize("tools", [NO_TESSERACT, ExternalTools(ocr_language="no_such_language")], ids=["no-binary", "no-language"])
@pytest.mark.parametrize("sample", ["png", "scanned_pdf"])
def test_without_ocr_a_scan_is_kept_with_empty_text_and_needs_ocr(files, sample, tools):
    parsed = parse(files[sample], "scan", tools)
    assert parsed.text.strip() == ""
    assert parsed.flags == ("needs_ocr",)


def test_a_truncated_image_is_refused(files):
    refused = refusal(files["png"][:2000], "scan.png")
    assert refused.code == "corrupt" and "图片" in refused.reason


def test_an_image_without_text_is_refused_after_ocr():
    from PIL import Image

    blank = samples.image_bytes(Image.new("L", (600, 400), 255), "PNG")
    with pytest.raises(IngestRefused) as refused:
        prepare_document(blank, "blank.png", max_bytes=MAX_BYTES, tools=TOOLS)
    assert "OCR" in refused.value.reason


# --- Word ----------------------------------------------------------------------------------

def test_docx_paragraphs_and_table_rows_in_order_without_header_and_footer(files):
    parsed = parse(files["docx"], "reply.docx")
    lines = parsed.text.split("\n")
    assert lines[:3] == [samples.LETTERHEAD, samples.DOC_NUMBER, samples.TITLE]
    assert "智能制造\t已完成\t300万元" in lines
    assert lines.index("项目\t完成情况\t资金") == lines.index(samples.OPENING) + 1
    assert "页眉" not in parsed.text and "页脚" not in parsed.text
    assert parsed.metadata["title"] == samples.TITLE


def test_docx_table_cells_stay_apart_through_the_repair(files):
    text, _, _ = repair_text(parse(files["docx"], "reply.docx").text)
    assert "智能制造\t已完成\t300万元" in text


def test_merged_table_cells_are_written_once():
    import docx

    document = docx.Document()
    table = document.add_table(rows=2, cols=3)
    merged = table.cell(0, 0).merge(table.cell(0, 1))
    merged.text = "合并单元格"
    table.cell(0, 2).text = "右"
    buffer = io.BytesIO()
    document.save(buffer)
    assert parse(buffer.getvalue(), "t.docx").text == "合并单元格\t右"


def test_a_truncated_docx_is_refused_as_damaged(files):
    for filename in ("reply.docx", "upload.bin"):
        refused = refusal(files["truncated_docx"], filename)
        assert refused.code == "corrupt"
        assert "Word" in refused.reason and "损坏" in refused.reason


@pytest.mark.parametrize(("sample", "filename", "content_type"), [
    ("doc", "reply.doc", "application/msword"),
    ("doc", "reply.wps", "application/vnd.ms-works"),
    ("rtf", "reply.rtf", "application/rtf"),
])
def test_legacy_word_files_are_converted_by_libreoffice(files, sample, filename, content_type):
    parsed = parse(files[sample], filename)
    assert parsed.flags == ()
    assert parsed.content_type == content_type
    lines = parsed.text.split("\n")
    assert samples.DOC_NUMBER in lines and "签发人：张志强" in lines
    assert "智能制造\t已完成\t300万元" in lines


def test_without_libreoffice_a_doc_is_kept_with_needs_conversion(files):
    parsed = parse(files["doc"], "reply.doc", NO_LIBREOFFICE)
    assert (parsed.text, parsed.flags) == ("", ("needs_conversion",))


# --- plain text ------------------------------------------------------------------------------

@pytest.mark.parametrize(("sample", "encoding"), [("utf16le", "utf-16-le"), ("utf16be", "utf-16-be")])
def test_utf16_without_bom_is_decoded(files, sample, encoding):
    parsed = parse(files[sample], "reply.txt")
    assert parsed.encoding == encoding
    assert "常工信复〔2021〕第22号" in parsed.text


def test_utf16_sniffing_leaves_other_bytes_alone():
    assert sniff_utf16_without_bom("plain text 文本".encode()) == ""
    assert sniff_utf16_without_bom(os.urandom(4000)) == ""
    assert sniff_utf16_without_bom(bytes(range(256)) * 16) == ""
    assert sniff_utf16_without_bom("\u3000\u3000答复如下：\r\n".encode("utf-16-le") * 50) == "utf-16-le"


# --- refusals ----------------------------------------------------------------------------------

def _zip(name: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(name, "<x/>")
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("content", "filename", "described_as"),
    [
        (os.urandom(5000), "upload.txt", "内容不是文本"),
        (os.urandom(5000), "upload.pdf", "内容不是文本"),
        (b"MZ\x90\x00\x03" + bytes(500), "setup.exe", "可执行程序"),
        (_zip("xl/workbook.xml"), "table.xlsx", ".xlsx"),
        (_zip("notes.txt"), "batch.zip", "压缩包"),
    ],
    ids=["random", "random-named-pdf", "exe", "xlsx", "zip"],
)
def test_unsupported_files_are_refused_naming_the_reason_and_the_supported_types(content, filename, described_as):
    refused = refusal(content, filename)
    assert refused.code == "unsupported_type"
    assert described_as in refused.reason
    assert "PDF" in refused.reason and ".docx" in refused.reason


def test_an_empty_file_is_refused():
    with pytest.raises(IngestRefused) as refused:
        prepare_document(b"", "empty.pdf", max_bytes=MAX_BYTES, tools=TOOLS)
    assert refused.value.reason == "文件为空"


# --- page layout -------------------------------------------------------------------------------

def test_wrapped_lines_join_but_short_indented_and_flush_right_lines_do_not():
    def line(text, left, right, top):
        return PlacedLine(text=text, left=left, right=right, top=top, bottom=top + 10)

    lines = [
        line("标题", 40, 60, 0),
        line("第一段第一行到右边", 20, 120, 20),
        line("第一段第二行", 0, 70, 32),
        line("第二段", 20, 60, 44),
        line("二〇二一年", 70, 120, 56),
        line("签发人：张三", 0, 60, 68),
    ]
    assert paragraphs_text(lines).split("\n") == [
        "标题", "第一段第一行到右边第一段第二行", "第二段", "二〇二一年", "签发人：张三",
    ]


# --- through the service: stored, extracted, searchable ------------------------------------------

def test_html_ingested_is_stored_and_searchable(ingest, files):
    outcome = ingest(content=files["html"], filename="0203.html")
    assert outcome.status == IngestOutcome.CREATED
    reply = outcome.reply
    assert reply.doc_number == "常住建复〔2023〕第31号"
    assert reply.signer == "王建国"
    assert reply.index_number == "014109461/2023-00112"
    assert SourceFile.objects.get(reply=reply).text_encoding == "gb18030"
    assert reply.pk in search_ids("青果巷")


def test_pdf_ingested_with_fields_and_the_joined_sentence_searchable(ingest, files):
    reply = ingest(content=files["pdf"], filename="22.pdf").reply
    assert (reply.doc_number, reply.signer, reply.title) == ("常工信复〔2021〕第22号", "张志强", samples.TITLE)
    assert "未来一个时间" in reply.body
    assert SourceFile.objects.get(reply=reply).content_type == "application/pdf"
    assert reply.pk in search_ids('"未来一个时间"')


def test_scan_ingested_through_ocr_is_flagged_and_searchable(ingest, files):
    reply = ingest(content=files["png"], filename="scan.png").reply
    assert "ocr" in reply.quality_flags
    assert reply.doc_number_key == "常工信复|2021|22"
    assert reply.signer == "张志强"
    assert reply.pk in search_ids("现代产业体系")


def test_scan_without_tesseract_is_stored_flagged_needs_ocr(ingest, files, settings):
    settings.TESSERACT_COMMAND = "/nonexistent/tesseract"
    outcome = ingest(content=files["scanned_pdf"], filename="扫描件 第22号.pdf")
    assert outcome.status == IngestOutcome.CREATED
    reply = outcome.reply
    assert reply.quality_flags == ["needs_ocr"]
    assert reply.title == "扫描件 第22号"
    assert reply.body == ""
    assert reply.status == Reply.Status.DRAFT, "held back from the public until someone reads it"
    assert SourceFile.objects.get(reply=reply).content_type == "application/pdf"


def test_docx_ingested_with_its_table_in_the_body(ingest, files):
    reply = ingest(content=files["docx"], filename="22.docx").reply
    assert (reply.doc_number, reply.signer) == ("常工信复〔2021〕第22号", "张志强")
    assert "智能制造\t已完成\t300万元" in reply.body


def test_doc_ingested_through_libreoffice(ingest, files):
    reply = ingest(content=files["doc"], filename="22.doc").reply
    assert (reply.doc_number, reply.signer, reply.title) == ("常工信复〔2021〕第22号", "张志强", samples.TITLE)
    assert reply.quality_flags == []


def test_doc_without_libreoffice_is_stored_flagged_needs_conversion(ingest, files, settings):
    settings.LIBREOFFICE_COMMAND = "/nonexistent/soffice"
    outcome = ingest(content=files["doc"], filename="旧格式答复.wps")
    assert outcome.status == IngestOutcome.CREATED
    assert outcome.reply.quality_flags == ["needs_conversion"]
    assert outcome.reply.status == Reply.Status.DRAFT
    assert outcome.reply.title == "旧格式答复"


def test_damaged_files_are_refused_by_the_service_and_nothing_is_saved(ingest, files):
    for sample, filename, words in (("truncated_pdf", "a.pdf", "截断"), ("truncated_docx", "a.docx", "损坏")):
        outcome = ingest(content=files[sample], filename=filename)
        assert outcome.status == IngestOutcome.REFUSED
        assert words in outcome.reason
    assert not Reply.objects.exists()
    assert not SourceFile.objects.exists()
