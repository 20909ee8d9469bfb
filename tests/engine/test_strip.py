"""strip_image / strip_video: nothing but pixels (and sound) reaches storage."""

from __future__ import annotations

from pathlib import Path

import pytest
from PIL import Image, ImageCms, PngImagePlugin

from media_processing.engine import Limits, MediaError, StripResult, Tools, probe, strip_image, strip_video

from .conftest import count_frames, exiftool, ffprobe, leftovers, make_video

SECRET_STRINGS = (b"Acme", b"SN-4711", b"50.8503", b"Jane Roe")
MUXER_TAGS = {"major_brand", "minor_version", "compatible_brands", "encoder"}
GENERIC_STREAM_TAGS = {"language", "handler_name", "vendor_id", "encoder", "DURATION"}


def _strip_video(src: Path, out: Path, tools: Tools, *, keep_audio: bool = True) -> StripResult:
    info = probe(src, tools=tools, limits=Limits())
    return strip_video(src, out, info=info, keep_audio=keep_audio, tools=tools, limits=Limits())


def _strip_image(src: Path, out: Path, tools: Tools) -> StripResult:
    return strip_image(src, out, info=probe(src, tools=tools, limits=Limits()), limits=Limits())


def _out(tmp_path: Path) -> Path:
    folder = tmp_path / "out"
    folder.mkdir()
    return folder


def _assert_clean_video(path: Path, *, audio: bool) -> None:
    data = ffprobe(path)
    assert [s["codec_type"] for s in data["streams"]] == (["video", "audio"] if audio else ["video"])
    assert set(data["format"].get("tags", {})) <= MUXER_TAGS
    for stream in data["streams"]:
        tags = stream.get("tags", {})
        assert set(tags) <= GENERIC_STREAM_TAGS, tags
        assert tags.get("handler_name", "VideoHandler") in ("VideoHandler", "SoundHandler")
    content = path.read_bytes()
    assert not [secret for secret in SECRET_STRINGS if secret in content]


@pytest.fixture
def loaded_mp4(tmp_path: Path) -> Path:
    """H.264 + AAC + a mov_text subtitle + a timecode data track, tags everywhere."""
    subtitles = tmp_path / "names.srt"
    subtitles.write_text("1\n00:00:00,000 --> 00:00:01,500\nJane Roe walks in\n", encoding="utf-8")
    return make_video(
        tmp_path / "loaded.mp4",
        inputs=("-i", str(subtitles)),
        extra=(
            *("-map", "0:v", "-map", "1:a", "-map", "2:s", "-c:s", "mov_text"),
            *("-timecode", "10:00:00:00"),
            *("-metadata", "location=+50.8503+004.3517/", "-metadata", "make=Acme", "-metadata", "model=Cam9"),
            *("-metadata", "creation_time=2024-05-01T10:00:00Z", "-metadata", "comment=SN-4711"),
            *("-metadata:s:v", "handler_name=Acme Cam AVC", "-metadata:s:a", "handler_name=Acme Mic"),
        ),
    )


def test_video_keeps_only_picture_and_sound(loaded_mp4: Path, tmp_path: Path, tools: Tools) -> None:
    original = ffprobe(loaded_mp4)
    assert {s["codec_type"] for s in original["streams"]} == {"video", "audio", "subtitle", "data"}
    assert "location" in original["format"]["tags"]

    result = _strip_video(loaded_mp4, _out(tmp_path), tools)

    assert (result.path.name, result.format) == ("stripped.mp4", "mp4")
    _assert_clean_video(result.path, audio=True)
    assert ffprobe(result.path)["streams"][0]["codec_name"] == "h264"
    assert count_frames(result.path) == 50
    summary = "; ".join(result.removed)
    assert "subtitle stream 2" in summary
    assert "data stream 3 (tmcd)" in summary
    assert "location" in summary and "comment" in summary and "creation_time" in summary


def test_video_without_sound_when_asked(loaded_mp4: Path, tmp_path: Path, tools: Tools) -> None:
    result = _strip_video(loaded_mp4, _out(tmp_path), tools, keep_audio=False)
    _assert_clean_video(result.path, audio=False)
    assert "audio stream 1 (aac)" in result.removed


def test_mkv_attachment_cover_and_chapters_go(tmp_path: Path, tools: Tools) -> None:
    cover = tmp_path / "cover.png"
    Image.new("RGB", (32, 32), "red").save(cover)
    chapters = tmp_path / "chapters.txt"
    chapters.write_text(";FFMETADATA1\n[CHAPTER]\nTIMEBASE=1/1000\nSTART=0\nEND=1000\ntitle=Jane Roe\n")
    source = make_video(
        tmp_path / "loaded.mkv",
        codec=("-c:v", "mpeg4"),
        inputs=("-i", str(chapters)),
        extra=(
            *("-map_chapters", "2", "-map", "0:v", "-map", "1:a"),
            *("-attach", str(cover), "-metadata:s:t", "mimetype=image/png"),
            *("-metadata", "title=Acme office", "-metadata:s:v", "title=SN-4711"),
        ),
    )
    result = _strip_video(source, _out(tmp_path), tools)
    assert result.format == "mp4"  # MPEG-4 Part 2 fits MP4: copied, not re-encoded
    _assert_clean_video(result.path, audio=True)
    assert ffprobe(result.path)["streams"][0]["codec_name"] == "mpeg4"
    assert any("attached" in item for item in result.removed)
    assert "1 chapter(s)" in result.removed


def test_codecs_mp4_cannot_hold_are_copied_into_mkv(tmp_path: Path, tools: Tools) -> None:
    source = make_video(tmp_path / "camera.avi", codec=("-c:v", "mjpeg"), extra=("-c:a", "pcm_s16le"))
    result = _strip_video(source, _out(tmp_path), tools)
    assert result.format == "mkv"
    streams = ffprobe(result.path)["streams"]
    assert [s["codec_name"] for s in streams] == ["mjpeg", "pcm_s16le"]
    _assert_clean_video(result.path, audio=True)


def test_webm_stays_webm(tmp_path: Path, tools: Tools) -> None:
    source = make_video(
        tmp_path / "browser.webm",
        codec=("-c:v", "libvpx-vp9", "-deadline", "realtime", "-c:a", "libopus"),
        extra=(
            "-metadata",
            "title=Acme",
        ),
    )
    result = _strip_video(source, _out(tmp_path), tools)
    assert result.format == "webm"
    assert [s["codec_name"] for s in ffprobe(result.path)["streams"]] == ["vp9", "opus"]
    _assert_clean_video(result.path, audio=True)


def test_pcm_sound_in_mov_is_encoded_to_aac_and_video_copied(tmp_path: Path, tools: Tools) -> None:
    source = make_video(tmp_path / "camera.mov", extra=("-c:a", "pcm_s16le"))
    result = _strip_video(source, _out(tmp_path), tools)
    assert result.format == "mp4"
    assert [s["codec_name"] for s in ffprobe(result.path)["streams"]] == ["h264", "aac"]


@pytest.mark.parametrize("suffix", ["gif", "webp"])
def test_animations_become_h264_mp4(tmp_path: Path, tools: Tools, suffix: str) -> None:
    frames = [Image.new("RGB", (65, 49), (value, 255 - value, 0)) for value in range(0, 250, 25)]
    source = tmp_path / f"anim.{suffix}"
    frames[0].save(source, save_all=True, append_images=frames[1:], duration=100, loop=0)
    seen: list[float] = []
    info = probe(source, tools=tools, limits=Limits())
    result = strip_video(
        source, _out(tmp_path), info=info, keep_audio=True, tools=tools, limits=Limits(), progress=seen.append
    )
    stream = ffprobe(result.path)["streams"][0]
    assert (result.format, stream["codec_name"], stream["pix_fmt"]) == ("mp4", "h264", "yuv420p")
    assert (stream["width"], stream["height"]) == (64, 48)  # even sides for 4:2:0
    assert count_frames(result.path) == 10
    assert seen[0] == 0.0 and seen[-1] == 1.0 and seen == sorted(seen)


def test_failed_strip_leaves_nothing_behind(tmp_path: Path, tools: Tools) -> None:
    source = make_video(tmp_path / "clip.mp4")
    info = probe(source, tools=tools, limits=Limits())
    source.write_bytes(source.read_bytes()[:2000])  # damaged after probing
    out = _out(tmp_path)
    with pytest.raises(MediaError):
        strip_video(source, out, info=info, keep_audio=True, tools=tools, limits=Limits())
    assert list(out.iterdir()) == []


def _loaded_jpeg(path: Path) -> Path:
    """A 60x40 JPEG stored sideways (orientation 6) with GPS, serial, XMP, comment and ICC."""
    image = Image.new("RGB", (60, 40), (40, 40, 200))
    image.paste((255, 0, 0), (0, 0, 10, 10))  # a marker in the stored top-left corner
    exif = Image.Exif()
    exif[0x010F], exif[0x0110], exif[0x0112] = "Acme", "Cam9", 6
    exif.get_ifd(0x8769)[0xA431] = "SN-4711"
    exif.get_ifd(0x8825).update({1: "N", 2: (50.0, 51.0, 1.08), 3: "E", 4: (4.0, 21.0, 6.12)})
    xmp = b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
    xmp += b'<rdf:Description xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:creator>Jane Roe</dc:creator>'
    xmp += b"</rdf:Description></rdf:RDF></x:xmpmeta>"
    icc = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    image.save(path, exif=exif, xmp=xmp, comment="Acme office", icc_profile=icc, quality=95)
    return path


def test_jpeg_metadata_goes_and_orientation_is_applied(tmp_path: Path, tools: Tools) -> None:
    source = _loaded_jpeg(tmp_path / "photo.jpg")
    before = exiftool(source)
    assert any(key.endswith(":GPSLatitude") for key in before)  # the oracle sees what must go
    assert any(key.startswith("XMP:") for key in before)

    result = _strip_image(source, _out(tmp_path), tools)

    assert (result.path.name, result.format) == ("stripped.jpg", "jpg")
    after = exiftool(result.path)
    assert not [key for key in after if key.split(":")[0] in ("EXIF", "XMP", "IPTC", "ICC_Profile", "MakerNotes")]
    assert not [key for key in after if key.endswith(("GPSLatitude", ":Make", ":Model", "SerialNumber", "Comment"))]
    assert not [secret for secret in SECRET_STRINGS if secret in result.path.read_bytes()]
    with Image.open(result.path) as stored:
        assert stored.size == (40, 60)  # turned upright
        assert not set(stored.info) & {"exif", "xmp", "icc_profile", "comment"}
        marker = stored.convert("RGB").getpixel((35, 2))  # the marker is now top-right
        assert isinstance(marker, tuple) and marker[0] > 200 and marker[1] < 60
    summary = "; ".join(result.removed)
    assert "GPS position" in summary and "camera serial number" in summary and "XMP" in summary


def test_png_text_chunks_go(tmp_path: Path, tools: Tools) -> None:
    source = tmp_path / "scan.png"
    text = PngImagePlugin.PngInfo()
    text.add_text("Author", "Jane Roe")
    text.add_text("Location", "50.8503 N", zip=True)
    text.add_itxt("Comment", "Acme office")
    Image.new("RGBA", (32, 32), (0, 128, 0, 128)).save(source, pnginfo=text)
    result = _strip_image(source, _out(tmp_path), tools)
    assert result.format == "png"
    with Image.open(result.path) as stored:
        stored.load()
        assert stored.mode == "RGBA" and not getattr(stored, "text", {})
    assert not [secret for secret in SECRET_STRINGS if secret in result.path.read_bytes()]
    assert any("Author" in item for item in result.removed)


@pytest.mark.parametrize("lossless", [True, False])
def test_webp_keeps_its_compression_kind(tmp_path: Path, tools: Tools, lossless: bool) -> None:
    source = tmp_path / "photo.webp"
    exif = Image.Exif()
    exif[0x010F] = "Acme"
    Image.new("RGB", (32, 32), "yellow").save(source, lossless=lossless, exif=exif)
    result = _strip_image(source, _out(tmp_path), tools)
    stored = result.path.read_bytes()
    assert result.format == "webp"
    assert (b"VP8L" in stored[:64]) is lossless
    assert b"EXIF" not in stored and b"Acme" not in stored


def test_multipage_tiff_keeps_the_first_page(tmp_path: Path, tools: Tools) -> None:
    source = tmp_path / "scan.tiff"
    pages = [Image.new("RGB", (32, 24), colour) for colour in ("red", "green", "blue")]
    pages[0].save(source, save_all=True, append_images=pages[1:], description="Jane Roe")
    result = _strip_image(source, _out(tmp_path), tools)
    with Image.open(result.path) as stored:
        assert (stored.format, getattr(stored, "n_frames", 1)) == ("TIFF", 1)
        assert stored.info["compression"] == "tiff_adobe_deflate"
        assert stored.convert("RGB").getpixel((0, 0)) == (255, 0, 0)
    assert "pages 2 to 3 (only the first page is kept)" in result.removed
    assert b"Jane Roe" not in result.path.read_bytes()


def test_static_gif_becomes_png_and_avif_stays_avif(tmp_path: Path, tools: Tools) -> None:
    gif, avif = tmp_path / "still.gif", tmp_path / "still.avif"
    Image.new("RGB", (32, 32), "red").save(gif, comment=b"Acme")
    exif = Image.Exif()
    exif[0x010F] = "Acme"
    Image.new("RGB", (32, 32), "red").save(avif, exif=exif)
    assert _strip_image(gif, _out(tmp_path), tools).format == "png"
    result = _strip_image(avif, tmp_path, tools)
    assert result.format == "avif"
    assert b"Acme" not in result.path.read_bytes()


def test_heic_becomes_jpeg(tmp_path: Path, tools: Tools) -> None:
    pillow_heif = pytest.importorskip("pillow_heif")
    source = tmp_path / "phone.heic"
    exif = Image.Exif()
    exif[0x010F] = "Acme"
    try:
        pillow_heif.from_pillow(Image.new("RGB", (64, 48), "blue")).save(source, exif=exif.tobytes())
    except (RuntimeError, ValueError) as exc:  # a build without an HEVC encoder
        pytest.skip(f"pillow_heif cannot write HEIC here: {exc}")
    result = _strip_image(source, _out(tmp_path), tools)
    assert result.format == "jpg"
    assert b"Acme" not in result.path.read_bytes()


def test_undecodable_picture_leaves_nothing_behind(tmp_path: Path, tools: Tools) -> None:
    source = tmp_path / "photo.jpg"
    Image.effect_noise((128, 128), 50).convert("RGB").save(source)
    info = probe(source, tools=tools, limits=Limits())
    source.write_bytes(source.read_bytes()[:700])
    out = _out(tmp_path)
    with pytest.raises(MediaError) as caught:
        strip_image(source, out, info=info, limits=Limits())
    assert caught.value.code == "decode-failed"
    assert list(out.iterdir()) == []
    assert leftovers(out) == []
