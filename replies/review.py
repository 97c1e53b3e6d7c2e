"""The review inbox's reads and its form: drafts waiting, the original's text with the lines each field came from,
the fields the extraction was unsure of, and the text still damaged.

Staff only (the views check). Writes go through replies.services.
"""
import datetime
import logging
import re
from dataclasses import dataclass, field

from django import forms
from django.core.cache import cache
from django.db.models import Prefetch, QuerySet

from replies.ingest.errors import IngestRefused
from replies.ingest.extract import HANDLING_CATEGORIES, HANDLING_ROLES, LOW_CONFIDENCE, SATISFACTION_LEVELS
from replies.ingest.parsers.registry import SUPPORTED_TYPES, parser_for
from replies.ingest.pipeline import MOJIBAKE_UNREPAIRED_FLAG, UNREAD_FLAGS, configured_tools, repair_text
from replies.models import Addressee, Reply, SourceFile

logger = logging.getLogger(__name__)

UPLOAD_FORMATS = f"{SUPPORTED_TYPES}，以及装有这些文件的 .zip 压缩包"
# The text read from an original does not change: kept a while per file, so paging through a draft's
# corrections does not parse its PDF again each time.
ORIGINAL_TEXT_CACHE_SECONDS = 3600
# Originals whose text came from OCR are not read again here (minutes of tesseract): their reply's text is shown.
_OCR_FLAGS = frozenset({"ocr", *UNREAD_FLAGS})


# --- the inbox ------------------------------------------------------------------------------------------------


def review_inbox() -> QuerySet[Reply]:
    """Drafts waiting for review, newest upload first: new replies, and new versions of published ones."""
    return (
        Reply.objects.filter(status=Reply.Status.DRAFT, superseded_at__isnull=True)
        .select_related("version_of")
        .prefetch_related(Prefetch("source_files", queryset=SourceFile.objects.select_related("uploaded_by")))
        .order_by("-created_at", "-id")
    )


def review_inbox_count() -> int:
    return Reply.objects.filter(status=Reply.Status.DRAFT, superseded_at__isnull=True).count()


def review_next(*, after: Reply) -> Reply | None:
    """The draft to review after this one: the next older in the inbox, else the newest other one."""
    waiting = review_inbox().exclude(pk=after.pk)
    older = waiting.filter(created_at__lte=after.created_at).exclude(created_at=after.created_at, id__gt=after.pk)
    return older.first() or waiting.first()


def review_get(*, pk: int) -> Reply:
    """Any reply, drafts and earlier versions included (staff only). Raises Reply.DoesNotExist."""
    return (
        Reply.objects.select_related("version_of")
        .prefetch_related(
            Prefetch("addressees", queryset=Addressee.objects.order_by("position")),
            "topics",
            Prefetch("source_files", queryset=SourceFile.objects.select_related("uploaded_by").order_by("pk")),
        )
        .get(pk=pk)
    )


# --- the original beside the fields ---------------------------------------------------------------------------


@dataclass(frozen=True)
class OriginalText:
    text: str
    source: SourceFile | None
    from_file: bool  # read from the original file; else the reply's own title and text


def review_original_text(reply: Reply) -> OriginalText:
    """The text the fields were extracted from: the original read again (and repaired as on upload), or, for a
    scan or when the file cannot be read, the reply's title and body."""
    source = reply.current_source
    if source is not None and not _OCR_FLAGS.intersection(reply.quality_flags) \
            and not source.content_type.startswith("image/"):
        key = f"review-original-text:{source.sha256}"
        text = cache.get(key)
        if text is None:
            text = _read_original(source)
            if text is not None:
                cache.set(key, text, ORIGINAL_TEXT_CACHE_SECONDS)
        if text:
            return OriginalText(text=text, source=source, from_file=True)
    return OriginalText(text=f"{reply.title}\n{reply.body}", source=source, from_file=False)


def _read_original(source: SourceFile) -> str | None:
    try:
        with source.file.open("rb") as stored:
            content = stored.read()
        parsed = parser_for(content, source.filename, tools=configured_tools()).parse(content, source.filename)
    except (OSError, IngestRefused) as problem:
        logger.warning("review: original %s of source %s cannot be read: %s", source.file.name, source.pk, problem)
        return None
    text, _, _ = repair_text(parsed.text)
    return text


@dataclass
class SourceLine:
    number: int
    text: str
    fields: list[str] = field(default_factory=list)  # labels of the fields found on this line

    @property
    def anchor(self) -> str:
        return f"L{self.number}"


@dataclass(frozen=True)
class FieldSource:
    name: str
    label: str
    lines: list[int]  # where its value was found in the original's text, first first


_SPACES = re.compile(r"\s+")
_CHINESE_DIGITS = "〇一二三四五六七八九"


def _chinese_number(number: int) -> str:
    """12 → 十二, 30 → 三十 (days and months as printed in Chinese dates)."""
    tens, units = divmod(number, 10)
    return (("" if tens == 1 else _CHINESE_DIGITS[tens]) + "十" if tens else "") + (_CHINESE_DIGITS[units] if units else "")


def _date_needles(date: datetime.date) -> list[str]:
    year_digits = "".join(_CHINESE_DIGITS[int(digit)] for digit in str(date.year))
    return [
        f"{date.year}年{date.month}月{date.day}日", f"{date.year}年{date.month:02d}月{date.day:02d}日",
        f"{year_digits}年{_chinese_number(date.month)}月{_chinese_number(date.day)}日",
        date.isoformat(), f"{date.year}.{date.month}.{date.day}", f"{date.year}/{date.month}/{date.day}",
    ]


def _needles(reply: Reply, name: str) -> list[list[str]]:
    """What to look for in the original's text for one field: a list of alternatives per value."""
    value = getattr(reply, name, None)
    if name == "addressees":
        return [[person.name] for person in reply.addressees.all()]
    if name == "cc":
        return [[item] for item in value or []]
    if name == "date":
        return [_date_needles(value)] if value else []
    if name == "proposal_number":
        return [[f"第{value}号", f"{value}号"]] if value else []
    if name == "handling_category":  # one letter: found only as a category is printed (B类, （B）)
        return [[f"{value}类", f"（{value}）", f"({value})"]] if value else []
    if name == "doc_number":
        if not value:
            return []
        return [[value, value.replace("第", "")] + ([f"〔{reply.doc_year}〕{reply.doc_serial}"] if reply.doc_year else [])]
    if not isinstance(value, str) or not value.strip():
        return []
    # A long value (a title) may be wrapped over lines: its beginning finds its first line.
    return [[value, value[:14]] if len(value) > 14 else [value]]


def review_sources(text: str, reply: Reply, names: list[tuple[str, str]]) -> tuple[list[SourceLine], dict[str, FieldSource]]:
    """The original's lines, and for each field (name, label) the lines where its value stands."""
    lines = [SourceLine(number, line) for number, line in enumerate(text.splitlines(), start=1)]
    squeezed = [_SPACES.sub("", line.text) for line in lines]
    sources = {}
    for name, label in names:
        found = []
        for alternatives in _needles(reply, name):
            for needle in (_SPACES.sub("", alternative) for alternative in alternatives):
                number = next((line.number for line, text in zip(lines, squeezed) if needle and needle in text), None)
                if number is not None:
                    found.append(number)
                    break
        for number in dict.fromkeys(found):
            lines[number - 1].fields.append(label)
        sources[name] = FieldSource(name, label, sorted(set(found)))
    return lines, sources


def review_low_confidence(reply: Reply) -> dict[str, float]:
    """Fields the extraction was unsure of (confidence below LOW_CONFIDENCE), with their confidence."""
    confidence = getattr(reply, "field_confidence", None) or {}
    return {name: value for name, value in confidence.items()
            if isinstance(value, (int, float)) and value < LOW_CONFIDENCE and name not in reply.corrected_fields}


def review_low_confidence_labels(reply: Reply) -> list[str]:
    """The names of the fields the extraction was unsure of, as the form labels them."""
    fields = {model_field.name: model_field for model_field in Reply._meta.get_fields()}
    return [str(getattr(fields.get(name), "verbose_name", name)) for name in review_low_confidence(reply)]


DAMAGE_LABELS = {
    "uncertain_repair": "修复把握不大",
    "lost_text": "字节丢失，无法还原",
    "control_characters": "含控制字符",
    "utf8_as_gbk": "UTF-8 被当作 GBK 读取",
    "utf8_as_gb18030": "UTF-8 被当作 GB18030 读取",
    "utf8_as_big5": "UTF-8 被当作 Big5 读取",
    "utf8_as_cp1252_lossy": "UTF-8 被当作 Windows-1252 读取（有损）",
}


@dataclass(frozen=True)
class DamagedStretch:
    where: str
    text: str
    damage: str


def review_damage(reply: Reply) -> list[DamagedStretch]:
    """The stretches of text still damaged after the mojibake repair (flag mojibake_unrepaired)."""
    where = {"title": "标题", "body": "正文", "text": "原文"}
    return [
        DamagedStretch(where.get(stretch.get("field"), stretch.get("field", "")), stretch.get("text", ""),
                       DAMAGE_LABELS.get(stretch.get("damage"), stretch.get("damage", "")))
        for note in reply.repair_notes if isinstance(note, dict) and note.get("kind") == MOJIBAKE_UNREPAIRED_FLAG
        for stretch in note.get("stretches", [])
    ]


# --- the form -------------------------------------------------------------------------------------------------


class ListField(forms.CharField):
    """A list typed as one line, its items separated by 、 (or a comma or semicolon)."""

    SEPARATORS = re.compile(r"\s*[、，,；;\n]\s*")

    def prepare_value(self, value):
        return "、".join(value) if isinstance(value, (list, tuple)) else value

    def to_python(self, value):
        text = super().to_python(value)
        return [item for item in self.SEPARATORS.split(text) if item] if text else []


class AddresseesField(ListField):
    """The people a reply answers, as printed: 朱红代表、李四委员 (a name without 代表 or 委员 has no role)."""

    ROLE_SUFFIXES = {label: value for value, label in Addressee.Role.choices if value}
    MAX_NAME = Addressee._meta.get_field("name").max_length

    def clean(self, value) -> list[tuple[str, str]]:
        """(name, role) pairs, in the order typed."""
        people = []
        for item in super().clean(value):
            name, role = item, Addressee.Role.UNKNOWN
            for suffix, suffix_role in self.ROLE_SUFFIXES.items():
                if item.endswith(suffix) and len(item) > len(suffix):
                    name, role = item[: -len(suffix)], suffix_role
                    break
            if len(name) > self.MAX_NAME:
                raise forms.ValidationError(f"“{name[:20]}…”太长：每个姓名最多 {self.MAX_NAME} 个字。")
            people.append((name, role))
        return people


REVIEW_FIELDS = (
    "title", "kind", "doc_number", "session", "proposal_number", "proposal_title", "addressees", "handling_category",
    "handling_role", "satisfaction", "issuing_organ", "signer", "handler", "phone", "cc", "date", "year", "index_number", "subject_category",
    "genre", "body",
)


class ReviewForm(forms.ModelForm):
    """The extracted fields of one reply, as staff correct them before publishing."""

    cc = ListField(label="抄送", required=False, help_text="多个用顿号（、）分隔")
    # Not a column: saved through replies.services.reply_save(addressees=…).
    addressees = AddresseesField(label="答复对象", required=False,
                                 help_text="多人用顿号（、）分隔；姓名后写“代表”或“委员”标明身份")
    # Only the values the archive counts and filters on (/stats/, the facets): a choice, never free text.
    handling_category = forms.ChoiceField(
        label="办理类别", required=False, choices=[("", "未注明"), *((value, f"{value} 类") for value in HANDLING_CATEGORIES)],
        help_text="A 类：已解决或采纳；B 类：正在解决或列入计划；C 类：暂时不能解决")
    handling_role = forms.ChoiceField(label="承办角色", required=False,
                                      choices=[("", "未注明"), *((value, f"{value}单位") for value in HANDLING_ROLES)])
    satisfaction = forms.ChoiceField(label="满意度", required=False,
                                     choices=[("", "未注明"), *((value, value) for value in SATISFACTION_LEVELS)],
                                     help_text="代表、委员的测评意见，答复或网页注明时填写")

    class Meta:
        model = Reply
        fields = REVIEW_FIELDS
        widgets = {
            "date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "body": forms.Textarea(attrs={"rows": 16}),
            "proposal_title": forms.Textarea(attrs={"rows": 2}),
            "title": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk is not None:
            self.initial["addressees"] = [str(person) for person in self.instance.addressees.all()]
        # Kept as typed: a stripped body would count as a change nobody made.
        self.fields["body"].strip = False
        self.fields["year"].help_text = "填写成文日期时可留空，按日期的年份"

    def clean(self):
        cleaned = super().clean()
        date = cleaned.get("date")
        if date and not cleaned.get("year"):
            cleaned["year"] = date.year
        elif date and cleaned.get("year") != date.year:
            self.add_error("year", f"年份与成文日期（{date.year} 年）不一致。")
        return cleaned
