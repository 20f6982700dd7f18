"""The Discord channel (discord.py 2)."""

from bot.channels.discord.app import DiscordRunner, RekindleClient, build_client
from bot.channels.discord.channel import DiscordChannel

__all__ = ["DiscordChannel", "DiscordRunner", "RekindleClient", "build_client"]
