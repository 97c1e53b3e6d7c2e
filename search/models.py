"""The queue of index updates: written in the same transaction as the change, drained by one writer."""
from django.db import models


class PendingIndexUpdate(models.Model):
    """A reply whose index document must be rewritten (or removed, if the reply is gone)."""

    reply_id = models.BigIntegerField("答复编号", db_index=True)
    queued_at = models.DateTimeField("加入时间", auto_now_add=True)
    attempts = models.PositiveIntegerField("失败次数", default=0)
    last_error = models.TextField("最近错误", blank=True)

    class Meta:
        ordering = ["id"]
        verbose_name = "待更新索引"
        verbose_name_plural = "待更新索引"

    def __str__(self) -> str:
        return f"#{self.reply_id}"
