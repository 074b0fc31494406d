"""A brute-force reading of the slot contract, word by word, to check the fast finder against."""

from datetime import datetime

from vadesk.agenda.slots import Case


def brute_force_starts(case: Case) -> list[int]:
    start, end = case.window
    starts = []
    t = start
    while t + case.duration <= end:
        if all(_free(p, t, case.duration, case.buffer) for p in case.participants):
            starts.append(t)
        t += case.step
    return starts


def _free(participant, t: int, duration: int, buffer: int) -> bool:
    # Every minute of [t, t + d) inside a working range of that minute's local weekday.
    for minute in range(t, t + duration, 60):
        local = datetime.fromtimestamp(minute, participant.zone)
        of_day = local.hour * 60 + local.minute
        if not any(lo <= of_day < hi for lo, hi in participant.working_hours.get(local.weekday(), [])):
            return False
    # No busy interval, widened by the buffer on both sides, overlaps [t, t + d) (half-open).
    for s, e in participant.busy:
        s, e = s - buffer, e + buffer
        if s < e and s < t + duration and t < e:
            return False
    return True
