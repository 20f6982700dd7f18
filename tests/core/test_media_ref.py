"""Media kept by reference: the stored form, with the channel's file id when there is one, and
refs stored before file ids were kept."""

from __future__ import annotations

from bot.core.events import MediaRef, Outgoing, Recipient

BEFORE = {"channel": "telegram", "kind": "voice", "ref": "1:2", "caption": None}
TO = Recipient(member_id=1, channel="discord", chat_id="202")


def test_a_ref_stored_before_file_ids_loads_and_keeps_its_shape() -> None:
    assert MediaRef.from_json(BEFORE) == MediaRef("telegram", "voice", "1:2")
    assert MediaRef.from_json(BEFORE).to_json() == BEFORE


def test_a_file_id_is_stored_and_read_back() -> None:
    photo = MediaRef("telegram", "photo", "1:3", "hi", file="AgAC")
    assert photo.to_json() == {
        **BEFORE,
        "kind": "photo",
        "ref": "1:3",
        "caption": "hi",
        "file": "AgAC",
    }
    assert MediaRef.from_json(photo.to_json()) == photo
    assert MediaRef.from_json({**photo.to_json(), "added_later": 1}) == photo


def test_an_outbox_payload_written_before_file_ids_still_loads() -> None:
    payload = Outgoing(to=TO, text="hi", media=MediaRef("telegram", "voice", "1:2")).to_payload()
    assert payload["media"] == BEFORE
    assert Outgoing.from_payload(TO, payload).media == MediaRef("telegram", "voice", "1:2")
    photo = MediaRef("telegram", "photo", "1:3", file="AgAC")
    assert (
        Outgoing.from_payload(TO, Outgoing(to=TO, text="", media=photo).to_payload()).media == photo
    )
