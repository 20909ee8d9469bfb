"""The privacy-mask editor in a real browser: points clicked on the picture land in the
database where they were clicked, the JSON text alone (keyboard, screen reader) saves
masks too, bad JSON is refused with a readable message, and the page runs under the CSP
without a single console error."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import ConsoleMessage, Page, expect

from media_processing.models import Camera
from tests.support.footage import make_camera, make_recording, make_video

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

Login = Callable[[Page, Any], None]
Point = tuple[float, float]

TEXT_LABEL = "Masks and region of interest (JSON)"
INVALID = "The text is not valid JSON yet; the picture shows the last valid version."
TOLERANCE = 0.02
MASK: list[Point] = [(0.10, 0.15), (0.45, 0.12), (0.50, 0.60), (0.12, 0.55)]
ROI: list[Point] = [(0.05, 0.05), (0.95, 0.08), (0.90, 0.92), (0.08, 0.95)]


def watch(page: Page) -> tuple[list[str], list[str]]:
    """Console errors and script errors, and the Content-Security-Policy refusals among them."""
    errors: list[str] = []
    csp: list[str] = []

    def on_console(message: ConsoleMessage) -> None:
        if message.type == "error":
            errors.append(message.text)
        if "Content Security Policy" in message.text:
            csp.append(message.text)

    page.on("console", on_console)
    page.on("pageerror", lambda error: errors.append(str(error)))
    return errors, csp


def open_editor(page: Page, login: Login, user: Any, camera: Camera) -> None:
    login(page, user)
    page.goto(f"/footage/cameras/{camera.pk}/")
    page.get_by_role("link", name="Privacy masks").click()
    expect(page.get_by_role("heading", level=1, name=f"Privacy masks of {camera.name}")).to_be_visible()
    # The drawing tools appear once the editor's script has run; clicks before that are lost.
    expect(page.get_by_role("button", name="Close polygon")).to_be_visible()


def click_polygon(page: Page, points: list[Point]) -> None:
    """Click each point at a known pixel position of the picture (the grey canvas or the
    frame, which the overlay must cover exactly), then close the polygon."""
    overlay = page.locator("#mask-overlay")
    picture = page.locator(".mask-blank, img.mask-frame").bounding_box()
    box = overlay.bounding_box()
    assert picture is not None and box is not None and picture["width"] > 100 and picture["height"] > 50
    for number, (x, y) in enumerate(points, start=1):
        overlay.click(
            position={
                "x": picture["x"] - box["x"] + x * picture["width"],
                "y": picture["y"] - box["y"] + y * picture["height"],
            }
        )
        expect(page.get_by_role("status")).to_have_text(f"Point {number} added.")
    page.get_by_role("button", name="Close polygon").click()
    expect(page.get_by_role("status")).to_have_text("Polygon closed. Save to keep it.")


def assert_close(saved: Any, expected: list[Point]) -> None:
    assert isinstance(saved, list) and len(saved) == len(expected), saved
    for (x, y), (want_x, want_y) in zip(saved, expected, strict=True):
        assert abs(x - want_x) <= TOLERANCE and abs(y - want_y) <= TOLERANCE, (saved, expected)


def test_admin_clicks_a_mask_and_a_region_of_interest_on_the_empty_canvas(
    page: Page, admin_role: Any, login: Login
) -> None:
    camera = make_camera(name="Loading bay")
    errors, csp = watch(page)
    open_editor(page, login, admin_role, camera)
    expect(page.locator(".mask-blank")).to_be_visible()
    expect(page.locator("img.mask-frame")).to_have_count(0)

    click_polygon(page, MASK)
    expect(page.locator("#mask-shapes polygon.mask")).to_have_count(1)
    page.get_by_role("radio", name="Region of interest").check()
    click_polygon(page, ROI)
    expect(page.locator("#mask-shapes polygon.roi")).to_have_count(1)
    expect(page.get_by_label("Polygon", exact=True).locator("option")).to_have_text(
        ["Privacy mask 1", "Region of interest"]
    )
    drawn = json.loads(page.get_by_label(TEXT_LABEL).input_value())
    assert_close(drawn["masks"][0], MASK)
    assert_close(drawn["region_of_interest"], ROI)

    page.get_by_role("button", name="Save masks").click()

    expect(page.get_by_text("The privacy masks of Loading bay were saved.")).to_be_visible()
    expect(page.get_by_text("1 polygon; cropped to a region of interest")).to_be_visible()
    camera.refresh_from_db()
    assert len(camera.privacy_masks) == 1
    assert_close(camera.privacy_masks[0], MASK)
    assert_close(camera.region_of_interest, ROI)

    # Back in the editor, the saved shapes are drawn where they were clicked.
    page.get_by_role("link", name="Privacy masks").click()
    polygon = page.locator("#mask-shapes polygon.mask")
    expect(polygon).to_have_count(1)
    overlay = page.locator("#mask-overlay").bounding_box()
    shape = polygon.bounding_box()
    assert overlay is not None and shape is not None
    assert abs((shape["x"] - overlay["x"]) / overlay["width"] - 0.10) <= TOLERANCE
    assert abs((shape["y"] - overlay["y"]) / overlay["height"] - 0.12) <= TOLERANCE
    assert errors == []
    assert csp == []


def test_clicks_land_on_the_picture_when_the_tools_are_taller_than_it(
    page: Page, admin_role: Any, login: Login
) -> None:
    # In a narrower window the tool column outgrows the 16:9 canvas; the overlay must
    # still cover only the picture, or every y coordinate is saved scaled down.
    page.set_viewport_size({"width": 900, "height": 800})
    camera = make_camera(name="Stairs")
    open_editor(page, login, admin_role, camera)
    picture = page.locator(".mask-blank").bounding_box()
    tools = page.locator("#mask-tools").bounding_box()
    assert picture is not None and tools is not None and tools["height"] > picture["height"]
    assert page.locator("#mask-overlay").bounding_box() == picture

    points: list[Point] = [(0.2, 0.7), (0.8, 0.7), (0.8, 0.95), (0.2, 0.95)]
    click_polygon(page, points)
    page.get_by_role("button", name="Save masks").click()

    expect(page.get_by_text("The privacy masks of Stairs were saved.")).to_be_visible()
    camera.refresh_from_db()
    assert_close(camera.privacy_masks[0], points)


def test_keyboard_only_edits_the_json_and_saves(page: Page, admin_role: Any, login: Login) -> None:
    camera = make_camera(name="Side door")
    errors, csp = watch(page)
    open_editor(page, login, admin_role, camera)
    document = {"masks": [[[0.1, 0.1], [0.4, 0.1], [0.4, 0.3]]], "region_of_interest": None}

    text = page.get_by_label(TEXT_LABEL)
    text.focus()
    page.keyboard.press("ControlOrMeta+A")
    page.keyboard.press("Delete")
    page.keyboard.type(json.dumps(document))
    expect(page.locator("#mask-shapes polygon.mask")).to_have_count(1)  # the picture follows the text
    save = page.get_by_role("button", name="Save masks")
    save.focus()
    expect(save).to_be_focused()
    page.keyboard.press("Enter")

    expect(page.get_by_text("The privacy masks of Side door were saved.")).to_be_visible()
    expect(page.get_by_text("1 polygon", exact=True)).to_be_visible()
    camera.refresh_from_db()
    assert camera.privacy_masks == document["masks"]
    assert camera.region_of_interest is None
    assert errors == []
    assert csp == []


def test_invalid_json_is_explained_and_saves_nothing(page: Page, admin_role: Any, login: Login) -> None:
    saved = [[[0.2, 0.2], [0.6, 0.2], [0.6, 0.6]]]
    camera = make_camera(name="Yard", privacy_masks=saved)
    errors, csp = watch(page)
    open_editor(page, login, admin_role, camera)
    expect(page.locator("#mask-shapes polygon.mask")).to_have_count(1)

    text = page.get_by_label(TEXT_LABEL)
    text.focus()
    page.keyboard.press("ControlOrMeta+A")
    page.keyboard.press("Delete")
    page.keyboard.type('{"masks": [[0.1, 0.1')
    expect(page.get_by_role("status")).to_have_text(INVALID)
    save = page.get_by_role("button", name="Save masks")
    save.focus()
    page.keyboard.press("Enter")

    alert = page.get_by_role("alert")
    expect(alert).to_contain_text("This is not valid JSON")
    expect(page.get_by_role("heading", level=1, name="Privacy masks of Yard")).to_be_visible()
    expect(page.get_by_label(TEXT_LABEL)).to_have_value('{"masks": [[0.1, 0.1')
    expect(page.get_by_text("were saved")).to_have_count(0)
    # The refused text does not wipe the picture: the saved mask is still drawn and listed.
    expect(page.get_by_role("status")).to_have_text(INVALID)
    expect(page.locator("#mask-shapes polygon.mask")).to_have_count(1)
    expect(page.get_by_label("Polygon", exact=True).locator("option")).to_have_text(["Privacy mask 1"])
    camera.refresh_from_db()
    assert camera.privacy_masks == saved
    assert camera.region_of_interest is None
    assert errors == []
    assert csp == []


def test_drawing_after_a_refused_save_keeps_the_saved_masks(page: Page, admin_role: Any, login: Login) -> None:
    saved = [[[0.2, 0.2], [0.6, 0.2], [0.6, 0.6]]]
    camera = make_camera(name="Gate", privacy_masks=saved)
    errors, csp = watch(page)
    open_editor(page, login, admin_role, camera)
    page.get_by_label(TEXT_LABEL).fill("{oops")
    page.get_by_role("button", name="Save masks").click()
    expect(page.get_by_role("alert")).to_contain_text("This is not valid JSON")

    click_polygon(page, MASK)
    page.get_by_role("button", name="Save masks").click()

    expect(page.get_by_text("The privacy masks of Gate were saved.")).to_be_visible()
    expect(page.get_by_text("2 polygons", exact=True)).to_be_visible()
    camera.refresh_from_db()
    assert camera.privacy_masks[0] == saved[0]
    assert_close(camera.privacy_masks[1], MASK)
    assert errors == []
    assert csp == []


def test_polygons_nested_wrongly_are_not_drawn_and_are_refused(page: Page, admin_role: Any, login: Login) -> None:
    camera = make_camera(name="Dock")
    errors, csp = watch(page)
    open_editor(page, login, admin_role, camera)

    # A common slip: one polygon written without its outer brackets.
    page.get_by_label(TEXT_LABEL).fill('{"masks": [[0.1, 0.1], [0.4, 0.1], [0.4, 0.3]]}')

    expect(page.get_by_role("status")).to_have_text(INVALID)
    expect(page.locator("#mask-shapes polygon")).to_have_count(0)
    expect(page.get_by_label("Polygon", exact=True).locator("option")).to_have_text(["No polygons yet"])
    page.get_by_role("button", name="Save masks").click()
    expect(page.get_by_role("alert")).to_contain_text("Mask 1:")
    camera.refresh_from_db()
    assert camera.privacy_masks == []
    assert errors == []
    assert csp == []


@pytest.fixture
def media_root(settings: Any, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path / "media"
    return Path(settings.MEDIA_ROOT)


def test_editor_over_a_frame_of_footage_has_no_console_errors(
    page: Page, admin_role: Any, login: Login, media_root: Path, tmp_path: Path
) -> None:
    camera = make_camera(name="Lobby")
    video = make_video(tmp_path / "source" / "lobby.mp4", seconds=2)
    make_recording(camera, datetime(2024, 3, 5, 9, tzinfo=UTC), 2, source_file=video, width=320, height=240)
    errors, csp = watch(page)
    open_editor(page, login, admin_role, camera)

    frame = page.get_by_role("img", name="A frame of camera")
    expect(frame).to_be_visible()
    page.wait_for_function("() => document.querySelector('img.mask-frame').complete")
    assert frame.evaluate("image => image.naturalWidth") == 320
    click_polygon(page, MASK)
    page.get_by_role("button", name="Save masks").click()

    expect(page.get_by_text("The privacy masks of Lobby were saved.")).to_be_visible()
    camera.refresh_from_db()
    assert len(camera.privacy_masks) == 1
    assert_close(camera.privacy_masks[0], MASK)
    assert errors == []
    assert csp == []
