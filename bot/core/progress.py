"""/progress: the couple's shared moments as a few lines and a picture (counted in
`bot/core/tally.py`, drawn in `bot/core/picture.py`)."""

from __future__ import annotations

from bot.core import texts, words
from bot.core.context import Ctx
from bot.core.events import Attachment
from bot.core.members import couple_members
from bot.core.router import Router
from bot.core.tally import CATEGORIES, RHYTHM_EVENINGS, Progress, collect

LABELS = texts.PROGRESS_LABELS

router = Router()


def text(progress: Progress, names: dict[int, str], *, lang: str | None = None) -> str:
    """The /progress lines, in the reader's language `lang`."""

    def say(sentence: str, **params: object) -> str:
        return words.translate(sentence, lang).format(**params)

    lines = [say(texts.PROGRESS_TITLE), say(texts.PROGRESS_COLUMNS)]
    for category in CATEGORIES:
        lines.append(
            say(
                texts.PROGRESS_LINE,
                label=say(LABELS[category]),
                week=progress.week[category],
                total=progress.total[category],
            )
        )
        if category == "appreciations":
            for sender, (week, total) in sorted(progress.appreciations_by.items()):
                receiver = next(
                    (n for m, n in names.items() if m != sender), say(texts.YOUR_PARTNER)
                )
                lines.append(
                    say(
                        texts.PROGRESS_APPRECIATIONS_BY,
                        sender=names.get(sender, say(texts.ONE_OF_YOU)),
                        receiver=receiver,
                        week=week,
                        total=total,
                    )
                )
    weeks = progress.rhythm_weeks()
    if weeks:
        lines.append(say(texts.PROGRESS_IN_RHYTHM, weeks=weeks, evenings=RHYTHM_EVENINGS))
    else:
        lines.append(say(texts.PROGRESS_NOT_YET))
    return "\n".join(lines)


@router.command("progress")
async def show(ctx: Ctx, _args: str = "") -> None:
    """`/progress`: the text, and the picture of the last 12 weeks."""

    couple_id = ctx.member.couple_id
    if couple_id is None:
        ctx.reply(ctx.say(texts.CHECKIN_NOT_PAIRED))
        return
    progress = await collect(ctx.session, couple_id, zone=ctx.member.timezone, now=ctx.now)
    members = await couple_members(ctx.session, couple_id)
    names = {m.id: m.display_name for m in members if m.id is not None}
    ctx.reply(text(progress, names, lang=ctx.lang))
    from bot.core.picture import render  # Pillow only once someone asks for a picture

    picture = render(progress, " & ".join(names.values()), lang=ctx.lang)
    ctx.reply(
        ctx.say(texts.PROGRESS_PICTURE),
        attachment=Attachment(
            filename=f"progress-{progress.today.isoformat()}.png", data=picture.png, kind="photo"
        ),
    )
