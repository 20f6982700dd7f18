"""/progress: the couple's shared moments as a few lines and a picture (counted in
`bot/core/tally.py`, drawn in `bot/core/picture.py`)."""

from __future__ import annotations

from bot.core import texts
from bot.core.context import Ctx
from bot.core.events import Attachment
from bot.core.members import couple_members
from bot.core.picture import render
from bot.core.router import Router
from bot.core.tally import CATEGORIES, RHYTHM_EVENINGS, Progress, collect

LABELS = texts.PROGRESS_LABELS

router = Router()


def text(progress: Progress, names: dict[int, str]) -> str:
    lines = [texts.PROGRESS_TITLE, texts.PROGRESS_COLUMNS]
    for category in CATEGORIES:
        lines.append(
            texts.PROGRESS_LINE.format(
                label=LABELS[category],
                week=progress.week[category],
                total=progress.total[category],
            )
        )
        if category == "appreciations":
            for sender, (week, total) in sorted(progress.appreciations_by.items()):
                receiver = next((n for m, n in names.items() if m != sender), texts.YOUR_PARTNER)
                lines.append(
                    texts.PROGRESS_APPRECIATIONS_BY.format(
                        sender=names.get(sender, texts.ONE_OF_YOU),
                        receiver=receiver,
                        week=week,
                        total=total,
                    )
                )
    weeks = progress.rhythm_weeks()
    if weeks:
        lines.append(texts.PROGRESS_IN_RHYTHM.format(weeks=weeks, evenings=RHYTHM_EVENINGS))
    else:
        lines.append(texts.PROGRESS_NOT_YET)
    return "\n".join(lines)


@router.command("progress")
async def show(ctx: Ctx, _args: str = "") -> None:
    """`/progress`: the text, and the picture of the last 12 weeks."""

    couple_id = ctx.member.couple_id
    if couple_id is None:
        ctx.reply(texts.CHECKIN_NOT_PAIRED)
        return
    progress = await collect(ctx.session, couple_id, zone=ctx.member.timezone, now=ctx.now)
    members = await couple_members(ctx.session, couple_id)
    names = {m.id: m.display_name for m in members if m.id is not None}
    ctx.reply(text(progress, names))
    picture = render(progress, " & ".join(names.values()))
    ctx.reply(
        texts.PROGRESS_PICTURE,
        attachment=Attachment(
            filename=f"progress-{progress.today.isoformat()}.png", data=picture.png, kind="photo"
        ),
    )
