"""The admin delegates every write to replies.services, as the ingest command does. Uploads and reviewing drafts
have pages of their own (/review/, replies.views); the stock admin stays for editing records and managing users."""
from django import forms
from django.contrib import admin, messages
from django.contrib.admin.helpers import ActionForm
from django.urls import path, reverse
from django.utils.html import format_html
from django.views.generic import RedirectView

from replies.models import Addressee, AuditEvent, CitedDocument, PersonMerge, Reply, SourceFile, Topic
from replies.services import (
    IngestOutcome,
    person_merge,
    reply_delete,
    reply_publish,
    reply_save,
    reply_unpublish,
    source_restore,
    source_withdraw,
)


class AddresseeInline(admin.TabularInline):
    model = Addressee
    extra = 0
    fields = ["name", "role", "position"]


class SourceFileInline(admin.TabularInline):
    model = SourceFile
    extra = 0
    can_delete = False
    fields = ["filename", "size", "content_type", "text_encoding", "sha256", "uploaded_by", "uploaded_at"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Reply)
class ReplyAdmin(admin.ModelAdmin):
    list_display = ["title", "doc_number", "kind", "year", "signer", "status", "version_state", "updated_at"]
    list_filter = ["status", "kind", "year", "topics"]
    search_fields = ["title", "doc_number", "signer", "addressees__name"]
    inlines = [AddresseeInline, SourceFileInline]
    filter_horizontal = ["topics"]
    readonly_fields = ["doc_number_key", "quality_flags", "repair_notes", "field_confidence", "corrected_fields",
                       "created_at", "updated_at", "published_at"]
    actions = ["publish_selected", "unpublish_selected"]
    fieldsets = [
        (None, {"fields": ["title", "kind", "status"]}),
        ("文号", {"fields": ["doc_number", "doc_issuer", "doc_year", "doc_serial", "doc_number_key"]}),
        ("建议/提案", {"fields": ["session", "proposal_number", "proposal_title"]}),
        ("发文", {"fields": ["issuing_organ", "signer", "handler", "phone", "cc", "date", "year"]}),
        ("公开信息", {"fields": ["index_number", "subject_category", "handling_category", "handling_role", "satisfaction", "genre", "topics"]}),
        ("正文", {"fields": ["body"]}),
        ("质量", {"fields": ["quality_flags", "repair_notes", "field_confidence", "corrected_fields", "created_at",
                           "updated_at", "published_at"]}),
    ]

    @admin.display(description="版本")
    def version_state(self, reply: Reply) -> str:
        if reply.is_superseded:
            return "早先版本（已被取代）"
        return "新版本，待审核" if reply.is_pending_version else ""

    def get_deleted_objects(self, objs, request):
        """A reply's only protected objects are its originals, and reply_delete moves them to the trash
        before deleting it: they must not block the deletion."""
        to_delete, model_count, perms_needed, _ = super().get_deleted_objects(objs, request)
        return to_delete, model_count, perms_needed - {SourceFile._meta.verbose_name}, []

    def get_urls(self):
        # Uploads have one page, /review/upload/ (formats and limits up front, one outcome per file): the
        # admin's former upload address leads there.
        upload = path("upload/", RedirectView.as_view(pattern_name="replies:review_upload"))
        return [upload, *super().get_urls()]

    def save_model(self, request, obj, form, change):
        reply_save(reply=obj, user=request.user)

    def delete_model(self, request, obj):
        reply_delete(reply=obj, user=request.user)

    def delete_queryset(self, request, queryset):
        for reply in queryset:
            reply_delete(reply=reply, user=request.user)

    @admin.action(description="发布所选答复", permissions=["change"])
    def publish_selected(self, request, queryset):
        for reply in queryset:
            reply_publish(reply=reply, user=request.user)
        self.message_user(request, f"已发布 {queryset.count()} 份答复。", messages.SUCCESS)

    @admin.action(description="撤回所选答复为草稿", permissions=["change"])
    def unpublish_selected(self, request, queryset):
        for reply in queryset:
            reply_unpublish(reply=reply, user=request.user)
        self.message_user(request, f"已撤回 {queryset.count()} 份答复。", messages.SUCCESS)


@admin.register(Topic)
class TopicAdmin(admin.ModelAdmin):
    list_display = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}


class WithdrawForm(ActionForm):
    reason = forms.CharField(label="撤下原因", required=False, max_length=500)


@admin.register(SourceFile)
class SourceFileAdmin(admin.ModelAdmin):
    list_display = ["filename", "reply", "size", "content_type", "uploaded_by", "uploaded_at", "trashed_at"]
    list_filter = [("trashed_at", admin.EmptyFieldListFilter), "content_type"]
    readonly_fields = ["reply", "file", "filename", "size", "content_type", "sha256", "text_encoding",
                       "uploaded_by", "uploaded_at", "trashed_at"]
    actions = ["restore_selected", "withdraw_selected"]
    action_form = WithdrawForm

    @admin.action(description="撤下所选原始文件到回收站（须填写原因）", permissions=["change"])
    def withdraw_selected(self, request, queryset):
        reason = request.POST.get("reason", "").strip()
        if not reason:
            self.message_user(request, "撤下原始文件须填写原因，未作任何改动。", messages.ERROR)
            return
        withdrawn = [source_withdraw(source=source, user=request.user, reason=reason) for source in queryset]
        self.message_user(request, f"已撤下 {len(withdrawn)} 个原始文件到回收站；操作记录中留有原因。", messages.SUCCESS)

    @admin.action(description="从回收站恢复所选文件（重新导入为草稿）", permissions=["change"])
    def restore_selected(self, request, queryset):
        outcomes = [source_restore(source=source, user=request.user) for source in queryset]
        restored = sum(outcome.status in (IngestOutcome.CREATED, IngestOutcome.NEW_VERSION) for outcome in outcomes)
        for outcome in outcomes:
            if outcome.reason:
                self.message_user(request, f"{outcome.filename}：{outcome.reason}", messages.WARNING)
        self.message_user(request, f"已恢复 {restored} 个文件。", messages.SUCCESS if restored else messages.WARNING)

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(CitedDocument)
class CitedDocumentAdmin(admin.ModelAdmin):
    list_display = ["name", "kind"]
    list_filter = ["kind"]
    search_fields = ["name"]
    readonly_fields = ["kind", "name", "key", "replies"]

    def has_add_permission(self, request):
        return False


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    """The upload and publication log: read-only for everyone."""

    list_display = ["created_at", "action", "reply_link", "filename", "user", "detail"]
    list_filter = ["action", "created_at"]
    list_select_related = ["reply", "user"]
    search_fields = ["reply_label", "filename", "detail", "user__username"]
    date_hierarchy = "created_at"

    @admin.display(description="答复", ordering="reply_label")
    def reply_link(self, event: AuditEvent) -> str:
        """The reply's review page (its label alone once the reply is deleted)."""
        if event.reply_id is None:
            return event.reply_label or "—"
        return format_html('<a href="{}">{}</a>', reverse("replies:review_reply", args=[event.reply_id]),
                           event.reply_label or f"第 {event.reply_id} 号")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(PersonMerge)
class PersonMergeAdmin(admin.ModelAdmin):
    """An admin decides that one name in two places is one person; the decision goes to the audit log."""

    list_display = ["name", "body", "congress", "into_congress", "decided_by", "decided_at"]
    fields = ["name", "body", "congress", "into_congress"]

    def has_change_permission(self, request, obj=None) -> bool:
        return False  # a decision is recorded once; undoing it is deleting it

    def save_model(self, request, obj, form, change):
        merge = person_merge(name=obj.name, body=obj.body, congress=obj.congress, into_congress=obj.into_congress,
                             user=request.user)
        obj.pk = merge.pk
