"""The fixed query set: what readers of the archive type, one of each kind the query language knows.

Single words and sub-words, a one-character word, an organ, a doc number without its issuer, a
quoted phrase, OR, exclusion, traditional characters, two-word ANDs and a question.
"""
from urllib.parse import quote

QUERIES = (
    "物业",
    "垃圾分类",
    "学区",
    "产业链",
    "智能制造",
    "税",
    "国务院办公厅",
    "〔2019〕4号",
    '"社会保险"',
    "养老 OR 医疗",
    "噪音 -装修",
    "產業鏈",
    "居住证",
    "停车",
    "拆迁补偿",
    "公积金",
    "教育 学校",
    "环境保护",
    "安全生产",
    "疫情防控",
    "农村 土地承包",
    "怎么办理居住证",
    "食品安全",
    "新能源汽车",
)
FIRST_ANSWER_QUERY = "产业链"


def search_path(query: str, *, api: bool = False) -> str:
    return ("/api/search/?q=" if api else "/search/?q=") + quote(query, safe="")
