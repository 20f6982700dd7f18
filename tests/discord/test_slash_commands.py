"""Slash commands: one per core command, allowed in DMs, invoked through the real command tree
with interactions built from payloads; answers go out as followups after a deferral."""

from __future__ import annotations

import json
from typing import Any

import discord
from discord import app_commands
from sqlmodel import select

from bot.channels.discord.app import ARGUMENTS, MenuTranslator
from bot.core import words
from bot.core.handle import COMMANDS, DESCRIPTIONS
from bot.core.models import Member
from tests.helpers.discord import Dc, custom_ids


def test_every_core_command_is_a_slash_command_with_a_discord_description(dc: Dc) -> None:
    commands = {c.name: c for c in dc.client.tree.get_commands()}
    assert set(commands) == set(DESCRIPTIONS) == set(COMMANDS)
    for name, command in commands.items():
        assert isinstance(command, discord.app_commands.Command)
        payload = command.to_dict(dc.client.tree)
        assert payload["description"] == DESCRIPTIONS[name]
        assert 1 <= len(payload["description"]) <= 100
        assert sorted(payload["contexts"]) == [1, 2]  # the bot's DMs and private channels
        assert sorted(payload["integration_types"]) == [0, 1]  # server and user installs
        options = payload["options"]
        if name in ARGUMENTS:
            [option] = options
            assert option["name"] == ARGUMENTS[name][0]
            assert option["type"] == discord.AppCommandOptionType.string.value
            assert not option.get("required", False)
            assert len(option["description"]) <= 100
        else:
            assert options == []
    assert commands["pair"].to_dict(dc.client.tree)["options"][0]["name"] == "code"
    assert commands["appreciate"].to_dict(dc.client.tree)["options"][0]["name"] == "words"
    assert commands["timezone"].to_dict(dc.client.tree)["options"][0]["name"] == "zone"


async def test_start_defers_then_answers_with_the_zone_picker(dc: Dc) -> None:
    interaction = await dc.command(dc.alex, "start", locale="de")
    assert interaction.fake_response.calls == [("defer", {"thinking": True, "ephemeral": False})]
    [reply] = interaction.fake_followup.sent
    assert reply["content"].startswith("Hi Alex, I'm Rekindle")
    assert reply["ephemeral"] is False
    assert reply["wait"] is True
    assert "tz:Europe/Berlin" in custom_ids(reply)
    async with dc.service.db.session() as session:
        alex = (await session.exec(select(Member))).one()
    assert alex.language == "de"  # from the interaction's locale


async def test_pair_with_a_code_option_pairs_across_commands(dc: Dc) -> None:
    await dc.command(dc.alex, "timezone", zone="Berlin")
    await dc.command(dc.sam, "timezone", zone="Europe/Berlin")
    invite = await dc.command(dc.alex, "pair")
    text = invite.fake_followup.texts[0]
    code = text.split("invite for your partner: ", 1)[1].split()[0]
    joined = await dc.command(dc.sam, "pair", code=code)
    assert any("You're now paired with Alex" in t for t in joined.fake_followup.texts)
    # Alex hears it through the outbox, in the DM remembered from Alex's own command.
    assert any("You're now paired with Sam" in t for t in dc.texts_to(dc.alex))


async def test_appreciate_with_words_reaches_the_partner(dc: Dc) -> None:
    await test_pair_with_a_code_option_pairs_across_commands(dc)
    sent = await dc.command(dc.alex, "appreciate", words="you made **tea** for me @here")
    assert sent.fake_followup.texts == ["Sent to Sam 💌"]
    [note] = [t for t in dc.texts_to(dc.sam) if "appreciates you" in t]
    assert note == "💌 Alex appreciates you: you made \\*\\*tea\\*\\* for me @\u200bhere"


async def test_progress_returns_the_picture_as_a_file(dc: Dc) -> None:
    await test_pair_with_a_code_option_pairs_across_commands(dc)
    interaction = await dc.command(dc.alex, "progress")
    summary, with_picture = interaction.fake_followup.sent
    assert "file" not in summary
    picture = with_picture["file"]
    assert isinstance(picture, discord.File)
    assert picture.filename.endswith(".png")
    assert picture.fp.read(8) == b"\x89PNG\r\n\x1a\n"
    assert "12 weeks" in with_picture["content"]


async def test_export_returns_a_json_file(dc: Dc) -> None:
    await dc.command(dc.alex, "start")
    interaction = await dc.command(dc.alex, "export")
    [reply] = interaction.fake_followup.sent
    exported = json.loads(reply["file"].fp.read())
    assert reply["file"].filename.endswith(".json")
    assert exported["profile"]["name"] == "Alex"
    assert exported["profile"]["channel"] == "discord"


async def test_outside_the_bots_dms_answers_are_only_for_the_asker(dc: Dc) -> None:
    interaction = await dc.command(dc.alex, "help", context="2")
    assert interaction.fake_response.calls == [("defer", {"thinking": True, "ephemeral": True})]
    assert all(reply["ephemeral"] for reply in interaction.fake_followup.sent)
    assert "Here's what I can do" in interaction.fake_followup.texts[0]


async def test_wrong_arguments_get_a_kind_answer(dc: Dc) -> None:
    interaction = await dc.command(dc.alex, "pair", code="nope!")
    assert "doesn't look like an invite code" in interaction.fake_followup.texts[0]
    interaction = await dc.command(dc.alex, "time", time="25:99")
    [answer] = interaction.fake_followup.texts
    assert answer  # a short, kind answer, never an error


async def test_the_translator_gives_spanish_and_russian_descriptions_and_keeps_names() -> None:
    translator = MenuTranslator()
    where = app_commands.TranslationContextLocation
    # Contexts as discord.py builds them, without the command they would carry (unused here).
    description: Any = app_commands.TranslationContext(where.command_description, None)  # type: ignore[call-overload]
    name: Any = app_commands.TranslationContext(where.command_name, None)  # type: ignore[call-overload]
    english = app_commands.locale_str(DESCRIPTIONS["pair"])
    for locale, lang in (
        (discord.Locale.spain_spanish, "es"),
        (discord.Locale.latin_american_spanish, "es"),
        (discord.Locale.russian, "ru"),
    ):
        translated = await translator.translate(english, locale, description)
        assert translated == words.say("COMMAND_DESCRIPTIONS.pair", lang) != DESCRIPTIONS["pair"]
        pair = app_commands.locale_str("pair")
        assert await translator.translate(pair, locale, name) is None
    assert await translator.translate(english, discord.Locale.american_english, description) is None
    assert await translator.translate(english, discord.Locale.german, description) is None


async def test_the_tree_publishes_description_localizations(dc: Dc) -> None:
    tree = dc.client.tree
    translator = MenuTranslator()
    await tree.set_translator(translator)
    assert tree.translator is translator
    published = {}
    for command in tree.get_commands():
        assert isinstance(command, discord.app_commands.Command)
        published[command.name] = await command.get_translated_payload(tree, translator)
    for name, payload in published.items():
        assert payload["name"] == name
        assert payload["description"] == DESCRIPTIONS[name]  # English stays the default
        assert payload["name_localizations"] == {}  # /pair is typed the same everywhere
        assert payload["description_localizations"] == localized(DESCRIPTIONS[name])
        if name in ARGUMENTS:
            [option] = payload["options"]
            assert option["name"] == ARGUMENTS[name][0]
            assert "name_localizations" not in option
            described = option.get("description_localizations", {})
            assert described == localized(ARGUMENTS[name][1])
    pair = published["pair"]
    assert set(pair["description_localizations"]) == {"es-ES", "es-419", "ru"}
    assert set(pair["options"][0]["description_localizations"]) == {"es-ES", "es-419", "ru"}


def localized(english: str) -> dict[str, str]:
    """What Discord should show per locale: the catalog's translation where there is one."""
    found = {}
    for locale in ("es-ES", "es-419", "ru"):
        translated = words.translate(english, locale[:2])[:100]
        if translated != english:
            found[locale] = translated
    return found


async def test_story_returns_the_book_as_a_pdf_file(dc: Dc) -> None:
    await test_pair_with_a_code_option_pairs_across_commands(dc)
    await dc.command(dc.alex, "checkin")
    for member, said in ((dc.alex, "a walk after work"), (dc.sam, "soup that fixed it")):
        await dc.say(member, said)
    interaction = await dc.command(dc.alex, "story")
    files = [reply["file"] for reply in interaction.fake_followup.sent if "file" in reply]
    assert len(files) == 1
    assert files[0].filename.endswith(".pdf")
    assert files[0].fp.read(5) == b"%PDF-"
