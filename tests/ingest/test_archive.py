"""expand_archive: every member is either taken or refused by a name that can be shown safely."""
import io
import zipfile

from replies.ingest.archive import ArchiveLimits, expand_archive, shown_name

LIMITS = ArchiveLimits(max_member_bytes=1024 * 1024, max_members=100, max_expanded_bytes=10 * 1024 * 1024,
                       max_compression_ratio=100)
TEXT = "关于加强产业链建设的答复，签发人：杨军。".encode()


def make_zip(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def test_windows_style_traversal_is_refused_by_name_not_skipped_as_a_hidden_file():
    members = expand_archive(make_zip({"..\\..\\x.txt": TEXT, "a\\..\\..\\y.txt": TEXT, "ok.txt": TEXT}), LIMITS)
    refused = {member.name: member.refusal for member in members if member.refusal}
    assert set(refused) == {"..\\..\\x.txt", "a\\..\\..\\y.txt"}
    assert all("路径不安全" in reason for reason in refused.values())
    assert [member.name for member in members if not member.refusal] == ["ok.txt"]


def test_hidden_and_macos_files_are_still_left_out_quietly():
    members = expand_archive(make_zip({".DS_Store": b"x", "__MACOSX/._a.txt": b"x", "dir\\.hidden": b"x",
                                       "a.txt": TEXT}), LIMITS)
    assert [member.name for member in members] == ["a.txt"]


def test_names_that_would_lie_on_screen_are_shown_escaped():
    # U+202E (right-to-left override) shows "答复\u202etxt.exe" as "答复exe.txt"; a line feed forges a line.
    members = expand_archive(make_zip({"答复\u202etxt.exe": TEXT, "a.txt\ncreated: b.txt": TEXT}), LIMITS)
    names = [member.name for member in members]
    assert names == ["答复<U+202E>txt.exe", "a.txt<U+000A>created: b.txt"]
    for name in names:
        assert not any(ord(character) < 32 or 0x202A <= ord(character) <= 0x202E for character in name)


def test_shown_name_leaves_ordinary_names_alone():
    assert shown_name("2021年答复/常工信复〔2021〕第22号.txt") == "2021年答复/常工信复〔2021〕第22号.txt"
    assert shown_name("\u2067a\u2069\u200f") == "<U+2067>a<U+2069><U+200F>"
