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
