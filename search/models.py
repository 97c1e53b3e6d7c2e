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


class SearchSynonym(models.Model):
    """A group of words searched as one another (公厕 公共厕所), added by staff beside search/data/synonyms.txt.

    Read at query time (search/synonyms.py), so a new entry needs no index rebuild."""

    words = models.CharField("同义词", max_length=300,
                             help_text="用空格分隔的一组词，如“公厕 公共厕所”。检索其中任何一个词也会找到含其他词的答复。")
    one_way = models.BooleanField("单向", default=False,
                                  help_text="勾选后只由第一个词扩展到其余的词（如“小摊 摊贩 摊点”：检索“小摊”也找“摊贩”，反之不然）。")
    note = models.CharField("说明", max_length=200, blank=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        ordering = ["words"]
        verbose_name = "检索同义词"
        verbose_name_plural = "检索同义词"

    def __str__(self) -> str:
        return self.words
