"""Billing rounding: what an entry of worked minutes costs the client."""


def billed_minutes(worked: int, *, increment: int, minimum_top_up: int = 0) -> int:
    """Round worked minutes up to the billing increment, then top up to the task minimum.

    `minimum_top_up` is how much the task still lacks of its minimum before this entry,
    so the minimum applies once per task, not once per entry.
    """
    if worked < 0:
        raise ValueError("worked minutes cannot be negative")
    if worked == 0:
        return 0
    increment = max(increment, 1)
    rounded = -(-worked // increment) * increment
    return max(rounded, minimum_top_up)


def task_entry_billed_minutes(
    worked: int, *, increment: int, minimum: int, rounded_before: int = 0, billed_before: int = 0
) -> int:
    """Bill one entry of a task so the task costs its rounded entries, or its minimum if that is more.

    1. Round this entry up to the increment.
    2. The task is then worth its rounded entries together, but at least `minimum`.
    3. This entry bills what that worth adds to what the task's other entries already billed
       (`rounded_before`: those entries rounded; `billed_before`: what they billed).

    So the minimum is charged once per task: 5 + 5 minutes with a 30-minute minimum bill 30 + 0,
    not 30 + 6, and a task never costs more than max(rounded work, minimum).
    """
    rounded = billed_minutes(worked, increment=increment)
    if not rounded or not minimum:
        return rounded
    return max(0, max(rounded_before + rounded, minimum) - billed_before)
