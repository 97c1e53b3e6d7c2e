"""The archive's records: replies, their addressees and topics, and the original files."""
import datetime

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models import Func, Q, Value
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone


class Topic(models.Model):
    """A subject from the controlled vocabulary (replies/data/topics.json)."""

    slug = models.SlugField("标识", max_length=60, unique=True)
    name = models.CharField("名称", max_length=60, unique=True)

    class Meta:
        ordering = ["name"]
        verbose_name = "主题"
        verbose_name_plural = "主题"

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("replies:topic_detail", args=[self.slug])


# The one ordering of replies by date, for pages, the API, feeds, exports and the search index's sort field:
# the date written, else 1 January of the reply's year (a year alone sorts as that year), else UNDATED,
# which is earlier than any real date, so undated replies come last under 最新 and first under 最早.
UNDATED = datetime.date(1, 1, 1)


def sort_date(*, date: datetime.date | None, year: int | None) -> datetime.date:
    if date is not None:
        return date
    return datetime.date(year, 1, 1) if year else UNDATED


SORT_DATE = Coalesce(
    "date",
    Func(models.F("year"), Value(1), Value(1), function="make_date", output_field=models.DateField()),
    Value(UNDATED),
    output_field=models.DateField(),
)
NEWEST_FIRST = (SORT_DATE.desc(), models.F("id").desc())
OLDEST_FIRST = (SORT_DATE.asc(), models.F("id").asc())


class ReplyQuerySet(models.QuerySet):
    def published(self) -> "ReplyQuerySet":
        return self.filter(status=Reply.Status.PUBLISHED)

    def newest_first(self) -> "ReplyQuerySet":
        return self.order_by(*NEWEST_FIRST)

    def in_order(self, sort: str) -> "ReplyQuerySet":
        """最新 ("newest") or 最早 ("oldest"), as the search index sorts them."""
        return self.order_by(*(OLDEST_FIRST if sort == "oldest" else NEWEST_FIRST))

    def current(self) -> "ReplyQuerySet":
        """Without the earlier versions kept behind a reply (they stay readable to staff from its page)."""
        return self.filter(superseded_at__isnull=True)

    def main_versions(self) -> "ReplyQuerySet":
        """The replies themselves, without versions waiting for review or kept from before (doc number lookups)."""
        return self.filter(version_of__isnull=True)

    def visible_to(self, user) -> "ReplyQuerySet":
        if user.is_authenticated and user.is_staff:
            return self
        return self.published()


class Reply(models.Model):
    """One written reply (答复) to a delegate's suggestion or a member's proposal, or another document."""

    class Kind(models.TextChoices):
        NPC_SUGGESTION = "npc_suggestion", "人大代表建议"
        CPPCC_PROPOSAL = "cppcc_proposal", "政协提案"
        OTHER = "other", "其他文件"

    class Status(models.TextChoices):
        DRAFT = "draft", "草稿"
        PUBLISHED = "published", "已发布"

    title = models.CharField("标题", max_length=500)
    kind = models.CharField("类别", max_length=20, choices=Kind.choices, default=Kind.OTHER, db_index=True)
    doc_number = models.CharField("文号", max_length=100, blank=True)
    doc_issuer = models.CharField("发文机关代字", max_length=50, blank=True)
    doc_year = models.PositiveSmallIntegerField("文号年份", null=True, blank=True)
    doc_serial = models.CharField("文号序号", max_length=20, blank=True)
    doc_number_key = models.CharField("文号检索键", max_length=100, blank=True, db_index=True, editable=False)
    session = models.CharField("届次", max_length=100, blank=True, db_index=True)
    proposal_number = models.CharField("建议/提案号", max_length=20, blank=True, db_index=True)
    proposal_title = models.CharField("建议/提案标题", max_length=500, blank=True)
    issuing_organ = models.CharField("发布机构", max_length=200, blank=True, db_index=True)
    signer = models.CharField("签发人", max_length=50, blank=True, db_index=True)
    handler = models.CharField("经办人", max_length=50, blank=True)
    phone = models.CharField("联系电话", max_length=50, blank=True)
    cc = ArrayField(models.CharField(max_length=100), verbose_name="抄送", default=list, blank=True)
    index_number = models.CharField("索引号", max_length=100, blank=True)
    subject_category = models.CharField("主题分类", max_length=100, blank=True)
    handling_category = models.CharField("办理类别", max_length=10, blank=True)  # A, B or C, as the reply labels it
    handling_role = models.CharField("承办角色", max_length=10, blank=True)  # 主办, 会办 or 协办, where printed
    satisfaction = models.CharField("满意度", max_length=10, blank=True)  # 满意, 基本满意 or 不满意, where printed
    # What every reply to one proposal shares ("常州市16-5/npc/99", replies.ingest.sessions.proposal_group_key),
    # derived from the session, kind, proposal number and organ on every save; "" when the reply names no proposal.
    proposal_group = models.CharField("建议/提案分组键", max_length=120, blank=True, db_index=True, editable=False)
    genre = models.CharField("体裁分类", max_length=100, blank=True)
    date = models.DateField("成文日期", null=True, blank=True)
    year = models.PositiveSmallIntegerField("年份", null=True, blank=True, db_index=True)
    topics = models.ManyToManyField(Topic, verbose_name="主题", related_name="replies", blank=True)
    body = models.TextField("正文")
    status = models.CharField("状态", max_length=10, choices=Status.choices, default=Status.DRAFT, db_index=True)
    quality_flags = ArrayField(models.CharField(max_length=30), verbose_name="质量标记", default=list, blank=True)
    repair_notes = models.JSONField("修复记录", default=list, blank=True)
    # How sure the extractor was of each field it read, 0 to 1: the review page shows the unsure ones first.
    field_confidence = models.JSONField("抽取置信度", default=dict, blank=True)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)
    published_at = models.DateTimeField("发布时间", null=True, blank=True)
    # A new version of a reply is a draft row of its own, pointing at the reply it would replace, until an
    # admin publishes it: then the two rows swap contents, and this row keeps the earlier version
    # (superseded_at set), its text and originals included.
    version_of = models.ForeignKey("self", on_delete=models.CASCADE, null=True, blank=True,
                                   related_name="versions", verbose_name="所属答复")
    superseded_at = models.DateTimeField("被取代时间", null=True, blank=True)
    # The extracted fields an admin corrected by hand: re-extraction never overwrites them.
    corrected_fields = ArrayField(models.CharField(max_length=40), verbose_name="人工更正的字段", default=list,
                                  blank=True)

    objects = ReplyQuerySet.as_manager()

    class Meta:
        ordering = NEWEST_FIRST
        verbose_name = "答复"
        verbose_name_plural = "答复"
        constraints = [
            models.UniqueConstraint(
                fields=["doc_number"], condition=~Q(doc_number="") & Q(version_of__isnull=True),
                name="reply_doc_number_unique_when_present",
            ),
        ]
        indexes = [models.Index(fields=["status", "-date", "-id"], name="reply_status_date")]

    def __str__(self) -> str:
        return self.doc_number or self.title

    def get_absolute_url(self) -> str:
        return reverse("replies:reply_detail", args=[self.pk])

    @property
    def is_published(self) -> bool:
        return self.status == self.Status.PUBLISHED

    @property
    def is_pending_version(self) -> bool:
        return self.version_of_id is not None and self.superseded_at is None

    @property
    def is_superseded(self) -> bool:
        return self.superseded_at is not None

    @property
    def current_source(self) -> "SourceFile | None":
        sources = getattr(self, "_prefetched_objects_cache", {}).get("source_files")
        if sources is not None:
            return max(sources, key=lambda source: source.pk, default=None)
        return self.source_files.order_by("-pk").first()


class Addressee(models.Model):
    """A person a reply answers: a people's congress delegate (代表) or a CPPCC member (委员)."""

    class Role(models.TextChoices):
        DELEGATE = "delegate", "代表"
        MEMBER = "member", "委员"
        UNKNOWN = "", "未注明"

    reply = models.ForeignKey(Reply, on_delete=models.CASCADE, related_name="addressees")
    name = models.CharField("姓名", max_length=50, db_index=True)
    role = models.CharField("身份", max_length=10, choices=Role.choices, blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["reply", "position"]
        verbose_name = "答复对象"
        verbose_name_plural = "答复对象"

    def __str__(self) -> str:
        return f"{self.name}{self.get_role_display() if self.role else ''}"


def original_upload_path(source: "SourceFile", filename: str) -> str:
    # The stored name comes from the content hash, never from the uploaded name.
    return f"originals/{source.sha256[:2]}/{source.sha256}"


class SourceFile(models.Model):
    """An original file exactly as received. Never overwritten; a new version is a new row."""

    reply = models.ForeignKey(Reply, on_delete=models.PROTECT, related_name="source_files", null=True, blank=True)
    file = models.FileField("原始文件", upload_to=original_upload_path, max_length=200)
    filename = models.CharField("文件名", max_length=255)
    size = models.BigIntegerField("大小（字节）")
    content_type = models.CharField("类型", max_length=100)
    sha256 = models.CharField("SHA-256", max_length=64, unique=True)
    text_encoding = models.CharField("文本编码", max_length=40, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    uploaded_at = models.DateTimeField("上传时间", auto_now_add=True)
    # Set when its reply is deleted: the file waits in the trash, recoverable, until purged.
    trashed_at = models.DateTimeField("移入回收站时间", null=True, blank=True, db_index=True)

    class Meta:
        ordering = ["-uploaded_at"]
        verbose_name = "原始文件"
        verbose_name_plural = "原始文件"

    def __str__(self) -> str:
        return self.filename


class CitedDocument(models.Model):
    """A document a reply cites: a title in 《》 or a doc number such as 常办电〔2021〕39号."""

    class Kind(models.TextChoices):
        TITLE = "title", "文件标题"
        DOC_NUMBER = "doc_number", "文号"

    kind = models.CharField("类型", max_length=12, choices=Kind.choices)
    name = models.CharField("名称", max_length=300)
    # Titles are matched as written (after NFKC); doc numbers on their canonical key, whatever the brackets.
    key = models.CharField("匹配键", max_length=300, unique=True)
    replies = models.ManyToManyField(Reply, verbose_name="引用它的答复", related_name="citations", blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = "引用文件"
        verbose_name_plural = "引用文件"

    def __str__(self) -> str:
        return self.name if self.kind == self.Kind.DOC_NUMBER else f"《{self.name}》"

    def get_absolute_url(self) -> str:
        return reverse("replies:cited_document_detail", args=[self.pk])


class AuditEvent(models.Model):
    """Who uploaded, published, changed or deleted what, and when; refused uploads included."""

    class Action(models.TextChoices):
        UPLOAD_CREATED = "upload_created", "上传：新建"
        UPLOAD_NEW_VERSION = "upload_new_version", "上传：新版本"
        UPLOAD_DUPLICATE = "upload_duplicate", "上传：重复"
        UPLOAD_REFUSED = "upload_refused", "上传：被拒绝"
        PUBLISHED = "published", "发布"
        UNPUBLISHED = "unpublished", "撤回"
        VERSION_PUBLISHED = "version_published", "发布新版本"
        EDITED = "edited", "修改"
        DELETED = "deleted", "删除"
        SOURCE_WITHDRAWN = "source_withdrawn", "撤下原始文件"
        COMMITMENT_MARKED = "commitment_marked", "承诺跟踪：标记"
        PEOPLE_MERGED = "people_merged", "合并同名代表/委员"

    action = models.CharField("操作", max_length=24, choices=Action.choices, db_index=True)
    reply = models.ForeignKey(Reply, on_delete=models.SET_NULL, null=True, blank=True, related_name="events")
    # Kept as text so the record survives the reply's deletion.
    reply_label = models.CharField("答复", max_length=500, blank=True)
    filename = models.CharField("文件名", max_length=255, blank=True)
    detail = models.TextField("说明", blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name="操作人",
    )
    created_at = models.DateTimeField("时间", auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = "操作记录"
        verbose_name_plural = "操作记录"

    def __str__(self) -> str:
        return f"{self.get_action_display()} {self.reply_label or self.filename}"


class Commitment(models.Model):
    """A sentence of a reply's body that promises future action (replies.ingest.commitments), and what staff
    recorded of it. Re-derived from the body on every save; the status and note stay with an unchanged sentence."""

    class Status(models.TextChoices):
        OPEN = "open", "未完成"
        DONE = "done", "已完成"

    reply = models.ForeignKey(Reply, on_delete=models.CASCADE, related_name="commitments", verbose_name="答复")
    sentence = models.TextField("承诺原文")
    start = models.PositiveIntegerField("起始位置")  # character offsets of the sentence in the reply's body
    end = models.PositiveIntegerField("结束位置")
    deadline = models.DateField("期限", null=True, blank=True, db_index=True)
    status = models.CharField("状态", max_length=10, choices=Status.choices, default=Status.OPEN, db_index=True)
    note = models.TextField("说明", blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name="标记人",
    )
    updated_at = models.DateTimeField("标记时间", null=True, blank=True)

    class Meta:
        ordering = ["reply", "start"]
        verbose_name = "承诺"
        verbose_name_plural = "承诺"

    def __str__(self) -> str:
        return self.sentence[:60]

    @property
    def is_overdue(self) -> bool:
        """Still open after its deadline (derived from today, never stored)."""
        return self.status == self.Status.OPEN and self.deadline is not None and self.deadline < timezone.localdate()


class PersonMerge(models.Model):
    """An admin's decision that a name in one congress is the same person as that name in another (a delegate who
    moved, a member of two levels): the second congress's page then lists the first's proposals too. Names are
    never merged across congresses without such a decision."""

    name = models.CharField("姓名", max_length=50)
    body = models.CharField("机构", max_length=10, choices=[("npc", "人大"), ("cppcc", "政协")])
    congress = models.CharField("并入的届别地方", max_length=60)  # "溧阳市": its proposals show on …
    into_congress = models.CharField("所在页面的地方", max_length=60)  # … "常州市"'s page of the same name
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+", verbose_name="决定人")
    decided_at = models.DateTimeField("决定时间", auto_now_add=True)

    class Meta:
        verbose_name = "同名合并"
        verbose_name_plural = "同名合并"
        constraints = [models.UniqueConstraint(fields=["name", "body", "congress", "into_congress"],
                                               name="person_merge_unique")]

    def __str__(self) -> str:
        return f"{self.name}：{self.congress} → {self.into_congress}"


def upload_batch_path(batch: "UploadBatch", filename: str) -> str:
    return f"upload_batches/{batch.token}.zip"


class UploadBatch(models.Model):
    """A .zip uploaded in the admin, ingested in pieces across requests (each member commits on its own),
    so that no request outlives the web worker's timeout and the admin sees the progress."""

    token = models.CharField(max_length=32, unique=True, editable=False)
    archive = models.FileField("压缩包", upload_to=upload_batch_path, max_length=200)
    filename = models.CharField("文件名", max_length=255)
    publish = models.BooleanField("直接发布", default=False)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    total = models.PositiveIntegerField("文件数", default=0)
    # One {"filename", "status", "reply_id", "reason"} per member processed, in archive order.
    outcomes = models.JSONField("处理结果", default=list, blank=True)
    created_at = models.DateTimeField("上传时间", auto_now_add=True)
    finished_at = models.DateTimeField("完成时间", null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = "批量上传"
        verbose_name_plural = "批量上传"

    def __str__(self) -> str:
        return f"{self.filename}（{self.position}/{self.total}）"

    @property
    def position(self) -> int:
        """How many members are done: the next one to take."""
        return len(self.outcomes)

    @property
    def refused(self) -> int:
        """How many members were refused (IngestOutcome.REFUSED)."""
        return sum(outcome["status"] == "refused" for outcome in self.outcomes)

    @property
    def finished(self) -> bool:
        return self.finished_at is not None
