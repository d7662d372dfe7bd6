"""Attachments are checked before upload: every bad file is refused with its reason."""

import os

import pytest

from agent.errors import BadInputError
from agent.media_files import check_attachment, sniff
from tests.support.media import tiny_png

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
MP4 = b"\x00\x00\x00\x18ftypmp42" + b"\x00" * 64


def write(path, data):
    path.write_bytes(data)
    return str(path)


def reason(path):
    with pytest.raises(BadInputError) as caught:
        check_attachment(path)
    return caught.value.details["reason"]


def test_good_image_and_video(tmp_path):
    image = check_attachment(str(tiny_png(tmp_path / "product photo ü.png")))
    assert image.kind == "image" and image.size > 0
    video = check_attachment(write(tmp_path / "clip.MP4", MP4))
    assert video.kind == "video"


def test_missing(tmp_path):
    assert reason(str(tmp_path / "nope.png")) == "missing"


def test_directory(tmp_path):
    (tmp_path / "dir.png").mkdir()
    assert reason(str(tmp_path / "dir.png")) == "directory"


def test_empty(tmp_path):
    assert reason(write(tmp_path / "e.png", b"")) == "empty"


def test_unsupported_extension(tmp_path):
    assert reason(write(tmp_path / "notes.txt", b"hello")) == "format"


def test_lying_content(tmp_path):
    assert reason(write(tmp_path / "fake.png", MP4)) == "mismatch"
    assert reason(write(tmp_path / "zip.jpg", b"PK\x03\x04" + b"\x00" * 40)) == "mismatch"


def test_unrecognisable_content(tmp_path):
    assert reason(write(tmp_path / "noise.png", b"just some text, not an image")) == "content"


def test_unreadable(tmp_path):
    if os.geteuid() == 0:
        pytest.skip("root reads everything")
    path = write(tmp_path / "secret.png", PNG)
    os.chmod(path, 0)
    assert reason(path) == "unreadable"


def test_enormous_file_is_checked_without_reading_it(tmp_path):
    path = tmp_path / "big.mp4"
    with path.open("wb") as handle:
        handle.write(MP4)
        handle.truncate(5 * 1024**3)  # sparse: 5 GiB on paper, nothing on disk
    media = check_attachment(str(path))
    assert media.size == 5 * 1024**3


@pytest.mark.parametrize(
    ("head", "kind"),
    [
        (b"\xff\xd8\xff\xe0", "image"),
        (b"GIF89a", "image"),
        (b"RIFF\x00\x00\x00\x00WEBPVP8 ", "image"),
        (b"RIFF\x00\x00\x00\x00WAVEfmt ", "audio"),
        (b"RIFF\x00\x00\x00\x00AVI LIST", "video"),
        (b"\x00\x00\x00\x20ftypM4A ", "audio"),
        (b"\x1a\x45\xdf\xa3", "video"),
        (b"ID3\x04", "audio"),
        (b"%PDF-1.7", "document"),
        (b"hello", None),
    ],
)
def test_sniff(head, kind):
    assert sniff(head) == kind
