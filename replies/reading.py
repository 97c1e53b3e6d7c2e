"""What the reading page shows besides the text: a title short enough to be one, the search's matches numbered
for next/previous links, a description for link previews, and a download name a person recognises."""
import re
from pathlib import PurePath

from django.utils.safestring import SafeString, mark_safe

from replies.models import Reply, SourceFile
from search.highlight import highlight_text

TITLE_MAX_CHARS = 60
DESCRIPTION_MAX_CHARS = 150
_WHITESPACE = re.compile(r"\s+")
_SENTENCE_END = re.compile(r"[。！？；!?;]")
# Characters no file system or browser keeps in a download's name.
_UNSAFE_IN_FILENAME = re.compile(r'[\\/:*?"<>|\x00-\x1f\x7f]')
_SUFFIX_BY_TYPE = {
    "text/plain": ".txt", "text/html": ".html", "application/pdf": ".pdf", "application/msword": ".doc",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": ".docx", "image/png": ".png",
    "image/jpeg": ".jpg", "image/tiff": ".tif", "application/rtf": ".rtf",
}


def short_title(title: str, *, limit: int = TITLE_MAX_CHARS) -> str:
    """A title fit for a heading. A text without a title of its own (a citizen's message) has its first paragraph
    as title: it is cut after its first sentence, or at `limit` characters with "…"."""
    title = _WHITESPACE.sub(" ", title or "").strip()
    if len(title) <= limit:
        return title
    end = _SENTENCE_END.search(title, 10, limit)
    if end:
        return title[:end.start()] + "…"
    return title[:limit - 1].rstrip() + "…"


def numbered_matches(texts: list[str], terms: list[str]) -> tuple[list[SafeString], int]:
    """Each text escaped with the search's matches marked, every <mark> numbered (id="m1" …) and followed by
    links to the previous and next match, which the stylesheet shows only beside the match in view (:target)."""
    marked = [str(highlight_text(text, terms)) for text in texts]
    total = sum(text.count("<mark>") for text in marked)
    number = 0

    def numbered(_match: re.Match) -> str:
        nonlocal number
        number += 1
        return f'<mark id="m{number}">'

    def with_links(_match: re.Match) -> str:
        nonlocal number
        number += 1
        previous = f'<a href="#m{number - 1}">上一处</a>' if number > 1 else ""
        following = f'<a href="#m{number + 1}">下一处</a>' if number < total else ""
        return f'</mark><span class="match-nav">{previous}<span>第 {number}/{total} 处</span>{following}</span>'

    numbered_texts = []
    for text in marked:
        numbered_texts.append(re.sub("<mark>", numbered, text))
    number = 0
    # Built from escaped text and markup made here only.
    return [mark_safe(re.sub("</mark>", with_links, text)) for text in numbered_texts], total


def page_description(reply: Reply, *, limit: int = DESCRIPTION_MAX_CHARS) -> str:
    """One line for search engines and chat previews: doc number, who is answered about what, then the text."""
    parts = []
    if reply.doc_number:
        parts.append(reply.doc_number)
    addressees = "、".join(str(person) for person in reply.addressees.all())
    if addressees:
        parts.append(f"答复{addressees}")
    if reply.proposal_title:
        parts.append(f"《{reply.proposal_title}》")
    lead = "，".join(parts)
    body = _WHITESPACE.sub(" ", reply.body).strip()
    text = f"{lead}。{body}" if lead else body
    return text if len(text) <= limit else text[:limit - 1] + "…"


def download_filename(reply: Reply, source: SourceFile) -> str:
    """The original's download name: the reply's doc number, else its title, with the original's type."""
    base = _UNSAFE_IN_FILENAME.sub("_", reply.doc_number or short_title(reply.title, limit=40)).strip(" .")
    suffix = PurePath(source.filename).suffix.lower()
    if not suffix or len(suffix) > 6:
        suffix = _SUFFIX_BY_TYPE.get(source.content_type.split(";")[0].strip(), "")
    sources = list(reply.source_files.all())
    if len(sources) > 1 and source in sources:
        base += f"（第{sources.index(source) + 1}版）"
    return f"{base or '答复'}{suffix}"
