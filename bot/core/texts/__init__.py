"""The bot's own sentences: the English catalog, one module per part of the bot, read as one
namespace (`texts.X`). Prompts live in `content/`; these are the words around them.

Plain text only: channels escape and format it. Keep every line short, warm and free of guilt.
Every sentence a person reads lives here, in the core or in a channel, named for what it says;
read it through `bot.core.words` (`say`, `plural`, `when`), which knows the reader's language.
A message that counts is a dict of plural forms ("one", "other"); dates are Babel patterns
(`DATE_PATTERNS`). No code here: grammar belongs to Babel.
"""

from bot.core.texts.cadence import *  # noqa: F403
from bot.core.texts.channels import *  # noqa: F403
from bot.core.texts.evening import *  # noqa: F403
from bot.core.texts.forms import *  # noqa: F403
from bot.core.texts.goodnews import *  # noqa: F403
from bot.core.texts.language import *  # noqa: F403
from bot.core.texts.menus import *  # noqa: F403
from bot.core.texts.our_dates import *  # noqa: F403
from bot.core.texts.packs import *  # noqa: F403
from bot.core.texts.progress import *  # noqa: F403
from bot.core.texts.ritual import *  # noqa: F403
from bot.core.texts.sharing import *  # noqa: F403
from bot.core.texts.someday import *  # noqa: F403
from bot.core.texts.start import *  # noqa: F403
from bot.core.texts.status import *  # noqa: F403
from bot.core.texts.story import *  # noqa: F403
