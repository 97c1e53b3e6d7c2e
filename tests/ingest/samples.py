"""Real sample files of every supported format, generated from one short reply.

PDFs are written by reportlab with the installed CJK font embedded, images drawn by Pillow at
300 dpi, .docx files by python-docx, .doc files by LibreOffice from a .docx.
"""
from __future__ import annotations

import io
import subprocess
import tempfile
from pathlib import Path

import docx
from PIL import Image, ImageDraw, ImageFont
from reportlab.lib import pdfencrypt
from reportlab.lib.pagesizes import A4
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas

FONT_PATH = "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc"

LETTERHEAD = "常州市工业和信息化局文件"
DOC_NUMBER = "常工信复〔2021〕第22号"
TITLE = "关于对常州市十六届人大五次会议代表建议第099号的答复"
SALUTATION = "朱红代表："
OPENING = "市人大交办的《关于加快传统制造业高质量发展的建议》收悉，经认真研究，现答复如下："
# One paragraph that a page break cuts after "未来一个时".
CUT_PARAGRAPH_HEAD = (
    "以国内大循环为主体、国内国际双循环相互促进的新发展格局是未来中国经济发展的战略基点和底层逻辑，"
    "有利于常州立足内需市场，深化供给侧结构性改革，未来一个时"
)
CUT_PARAGRAPH_TAIL = "间，国内市场主导国民经济循环特征会更加明显，经济增长的内需潜力会不断释放。"
CLOSING = "感谢您对我市工业和信息化工作的关心和支持。"
ORGAN = "常州市工业和信息化局"
DATE = "2021年5月20日"
FOOTER = ("签发人：张志强", "经办人：余亮明", "联系电话：85681275", "抄送：市政府办公室、市人大代表工委")

# The short reply drawn on images and scans: few lines, so that OCR stays fast.
SCAN_LINES = (
    ("center", LETTERHEAD),
    ("center", DOC_NUMBER),
    ("center", "关于对市十六届人大五次会议"),
    ("center", "代表建议第099号的答复"),
    ("left", SALUTATION),
    ("paragraph", "您提出的《关于加快传统制造业高质量发展的建议》收悉，经认真研究，现答复如下：我市将加快构建现代产业体系。"),
    ("left", "签发人：张志强"),
    ("left", "联系电话：85681275"),
)


# --- PDF with a text layer -------------------------------------------------------------

_PDF_FONT = "WenQuanYiMicroHei"
_PDF_SIZE = 14
_PDF_LEFT = 72
_PDF_CHARS_PER_LINE = 32


def _wrap(text: str, width: int, indent: int) -> list[tuple[int, str]]:
    """(indent in characters, text) for each line of a paragraph wrapped at `width` characters."""
    lines, first = [], True
    while text:
        room = width - (indent if first else 0)
        lines.append((indent if first else 0, text[:room]))
        text, first = text[room:], False
    return lines


def _register_font() -> None:
    if _PDF_FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont(_PDF_FONT, FONT_PATH, subfontIndex=0))


def text_pdf() -> bytes:
    """Two A4 pages; a paragraph runs over the page break; page numbers at the foot."""
    _register_font()
    page_one = [
        ("center", LETTERHEAD), ("center", DOC_NUMBER), ("center", TITLE), ("left", SALUTATION),
        ("paragraph", OPENING), ("paragraph", CUT_PARAGRAPH_HEAD),
    ]
    page_two = [
        ("left", CUT_PARAGRAPH_TAIL), ("paragraph", CLOSING), ("right", ORGAN), ("right", DATE),
        *(("left", line) for line in FOOTER),
    ]
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=A4)
    for number, blocks in enumerate((page_one, page_two), start=1):
        _draw_pdf_page(pdf, blocks, number)
        pdf.showPage()
    pdf.save()
    return buffer.getvalue()


def encrypted_pdf(user_password: str) -> bytes:
    """A one-page PDF encrypted with an owner password (copying forbidden) and `user_password`."""
    _register_font()
    buffer = io.BytesIO()
    encryption = pdfencrypt.StandardEncryption(user_password, ownerPassword="owner", canCopy=0, strength=128)
    pdf = canvas.Canvas(buffer, pagesize=A4, encrypt=encryption)
    _draw_pdf_page(pdf, [("center", TITLE), ("left", SALUTATION), ("paragraph", OPENING)], 1)
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()


def _draw_pdf_page(pdf: canvas.Canvas, blocks, number: int) -> None:
    width, height = A4
    pdf.setFont(_PDF_FONT, _PDF_SIZE)
    y = height - 90
    for kind, text in blocks:
        lines = _wrap(text, _PDF_CHARS_PER_LINE, 2 if kind == "paragraph" else 0)
        for indent, line in lines:
            if kind == "center":
                pdf.drawCentredString(width / 2, y, line)
            elif kind == "right":
                pdf.drawRightString(_PDF_LEFT + _PDF_CHARS_PER_LINE * _PDF_SIZE, y, line)
            else:
                pdf.drawString(_PDF_LEFT + indent * _PDF_SIZE, y, line)
            y -= _PDF_SIZE * 1.8
    pdf.drawCentredString(width / 2, 50, f"- {number} -")


# --- images and scans ------------------------------------------------------------------

_DPI = 300
_IMAGE_SIZE = 50  # pixels: 12 pt at 300 dpi
_IMAGE_MARGIN = 80
_IMAGE_CHARS_PER_LINE = 22


def reply_image() -> Image.Image:
    """The short reply as a white 300-dpi page with black text, as a scanner gives it."""
    font = ImageFont.truetype(FONT_PATH, _IMAGE_SIZE)
    lines = [
        (kind, indent, line)
        for kind, text in SCAN_LINES
        for indent, line in _wrap(text, _IMAGE_CHARS_PER_LINE, 2 if kind == "paragraph" else 0)
    ]
    width = 2 * _IMAGE_MARGIN + _IMAGE_CHARS_PER_LINE * _IMAGE_SIZE
    image = Image.new("L", (width, 2 * _IMAGE_MARGIN + len(lines) * int(_IMAGE_SIZE * 1.7)), 255)
    draw = ImageDraw.Draw(image)
    for row, (kind, indent, line) in enumerate(lines):
        line_width = draw.textlength(line, font=font)
        x = (width - line_width) / 2 if kind == "center" else _IMAGE_MARGIN + indent * _IMAGE_SIZE
        draw.text((x, _IMAGE_MARGIN + row * int(_IMAGE_SIZE * 1.7)), line, font=font, fill=0)
    return image


def image_bytes(image: Image.Image, image_format: str) -> bytes:
    buffer = io.BytesIO()
    options = {"quality": 90} if image_format == "JPEG" else {}
    image.save(buffer, image_format, dpi=(_DPI, _DPI), **options)
    return buffer.getvalue()


def scanned_pdf(image: Image.Image) -> bytes:
    """A PDF with the page as an image and no text layer, as a scanner writes it."""
    buffer = io.BytesIO()
    image.convert("RGB").save(buffer, "PDF", resolution=_DPI)
    return buffer.getvalue()


# --- Word --------------------------------------------------------------------------------

TABLE_ROWS = (("项目", "完成情况", "资金"), ("智能制造", "已完成", "300万元"), ("绿色工厂", "推进中", "120万元"))


def reply_docx() -> bytes:
    """The reply as a .docx: paragraphs, a table, and a header and footer that must be left out."""
    document = docx.Document()
    section = document.sections[0]
    section.header.paragraphs[0].text = "页眉：内部资料"
    section.footer.paragraphs[0].text = "页脚：第1页"
    for line in (LETTERHEAD, DOC_NUMBER, TITLE, SALUTATION, OPENING):
        document.add_paragraph(line)
    table = document.add_table(rows=len(TABLE_ROWS), cols=3)
    for row, values in zip(table.rows, TABLE_ROWS):
        for cell, value in zip(row.cells, values):
            cell.text = value
    document.add_paragraph("")
    for line in (CLOSING, ORGAN, DATE, *FOOTER):
        document.add_paragraph(line)
    document.core_properties.title = TITLE
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def converted_by_libreoffice(content: bytes, source_suffix: str, target: str) -> bytes:
    """`content` converted by LibreOffice (e.g. .docx → "doc" or "rtf"), in a private profile."""
    with tempfile.TemporaryDirectory() as work:
        folder = Path(work)
        source = folder / f"sample{source_suffix}"
        source.write_bytes(content)
        subprocess.run(
            ["soffice", f"-env:UserInstallation={(folder / 'profile').as_uri()}", "--headless",
             "--convert-to", target, "--outdir", str(folder / "out"), str(source)],
            check=True, capture_output=True, timeout=120,
        )
        return (folder / "out" / f"sample.{target}").read_bytes()


# --- HTML ---------------------------------------------------------------------------------

GOV_PAGE = """<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN" "http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd">
<html xmlns="http://www.w3.org/1999/xhtml">
<head>
<meta http-equiv="Content-Type" content="text/html; charset=gb2312" />
<title>关于对市十七届人大二次会议第0203号建议的答复_常州市住房和城乡建设局</title>
<meta name="ArticleTitle" content="关于对市十七届人大二次会议第0203号建议的答复">
<style type="text/css">body { font-size: 14px; } .nav li { float: left; }</style>
<script type="text/javascript">var siteId = "常州"; document.write("<p>不该出现的脚本文字</p>");</script>
</head>
<body>
<div class="header"><div class="logo">常州市住房和城乡建设局</div>
  <ul class="nav"><li><a href="/">首页</a></li><li><a href="/xxgk">信息公开</a></li><li><a href="/hdjl">互动交流</a></li></ul>
</div>
<div class="position">当前位置：<a href="/">首页</a> &gt; <a href="/xxgk">信息公开</a> &gt; 建议提案答复</div>
<div class="main">
  <table class="xxgk_table" width="100%">
    <tr><td class="label">信息名称：</td><td colspan="3">关于对市十七届人大二次会议第0203号建议的答复</td></tr>
    <tr><td class="label">索 引 号：</td><td>014109461/2023-00112</td><td class="label">主题分类：</td><td>城乡建设、环境保护</td></tr>
    <tr><td class="label">体裁分类：</td><td>建议提案答复</td><td class="label">组配分类：</td><td>人大代表建议</td></tr>
    <tr><td class="label">文件编号：</td><td>常住建复〔2023〕第31号</td><td class="label">产生日期：</td><td>2023-07-05</td></tr>
    <tr><td class="label">发布机构：</td><td>市住建局</td><td class="label">发布日期：</td><td>2023-07-06</td></tr>
    <tr><td class="label">关键词</td><td colspan="3">历史街区 城市更新</td></tr>
  </table>
  <h1 class="article-title">关于对市十七届人大二次会议第0203号建议的答复</h1>
  <div class="info">发布时间：2023-07-06 来源：市住建局 浏览次数：<span id="hits"></span></div>
  <div id="zoom" class="content">
    <p>尊敬的赵敏代表：</p>
    <p>&nbsp;&nbsp;&nbsp;&nbsp;您在市十七届人大二次会议上提出的《关于推进城市更新中历史街区保护的建议》收悉，现答复如下：</p>
    <p>&nbsp;&nbsp;&nbsp;&nbsp;一、关于历史街区保护规划</p>
    <p>&nbsp;&nbsp;&nbsp;&nbsp;我局会同市自然资源和规划局编制了《常州市历史文化街区保护利用规划》，
       明确了青果巷、前后北岸等街区的保护范围。</p>
    <p>&nbsp;&nbsp;&nbsp;&nbsp;二、关于资金保障<br/>市财政每年安排历史街区保护专项资金3000万元。</p>
    <p>&nbsp;&nbsp;&nbsp;&nbsp;感谢您对城市建设工作的关心和支持。</p>
    <p style="text-align: right">常州市住房和城乡建设局</p>
    <p style="text-align: right">2023年6月28日</p>
    <p>签发人：王建国&nbsp;&nbsp;&nbsp;&nbsp;联系电话：0519-85682345</p>
    <div style="display:none">隐藏的统计代码</div>
  </div>
  <div class="print"><a href="javascript:window.print()">【打印本页】</a><a href="javascript:window.close()">【关闭窗口】</a></div>
</div>
<div class="footer">版权所有：常州市住房和城乡建设局 地址：常州市龙城大道1280号 苏ICP备05012345号</div>
</body>
</html>
"""


def gbk_page() -> bytes:
    return GOV_PAGE.encode("gbk")
