"""Predict, then reveal: the student writes down a value or gradient first, then the animator shows it.

Only the GraphAnimator's public Python side is used (`snapshot`, `events`, `step`), so this works with
any widget that plays a snapshot: the check happens here, and setting `step` moves every view.
"""
from .judge import judge, unanswered
from .verdict import Verdict

QUANTITIES = ("value", "grad", "uses")


def reveal(animator, node: str, guess, quantity: str = "grad", *, use: int | None = None, hint: str = "",
           tol: float = 1e-6, mistakes=(), hints: dict | None = None) -> Verdict:
    """Check `guess` for `node`'s `quantity`, then move `animator` to the step that shows the answer.

    `node` is the name drawn in the graph (a label like "x"); `quantity` is "value" (the forward pass
    computes it), "grad" (its gradient once backpropagation has finished with it, or after `use`
    contributions) or "uses" (how many contributions its gradient adds up). An unanswered guess leaves
    the animator where it is, so nothing is given away. `hint`, `mistakes` and `hints` are judge()'s.
    """
    event = find_event(animator, node, quantity, use)
    what = {"value": node, "grad": f"the gradient at {node}", "uses": f"the uses of {node}"}[quantity]
    if quantity == "grad" and use is not None:
        what += f" after {use} contribution{'s' * (use != 1)}"
    if unanswered(guess):
        return not_predicted(what).show()
    expected = expected_value(event, quantity)
    verdict = judge(what, guess, expected, hint, tol=tol, mistakes=mistakes, hints=hints)
    return move_to(animator, event, verdict).show()


def find_event(animator, node: str, quantity: str = "grad", use: int | None = None) -> dict:
    """The event that shows `node`'s `quantity` (see `reveal`)."""
    if quantity not in QUANTITIES:
        raise ValueError(f"reveal: quantity must be one of {QUANTITIES}, got {quantity!r}")
    return _event(animator, _node_id(animator, node), node, quantity, use)


def expected_value(event: dict, quantity: str):
    """What the event says about its node: the value, the gradient so far, or the number of uses."""
    return event["uses"] if quantity == "uses" else _plain(event[quantity])


def not_predicted(what: str) -> Verdict:
    return Verdict(False, what, f"… {what}: not predicted yet. Write your prediction in place of the ... and "
                                "run the cell: the animator then shows the answer.", "unanswered")


def move_to(animator, event: dict, verdict: Verdict) -> Verdict:
    """Set the animator to `event`'s step and add what it now shows to the verdict's text."""
    animator.step = event["step"]
    shown = f"The animator now shows step {event['step']}: {event['text']}"
    return Verdict(verdict.ok, verdict.name, f"{verdict.text}\n{shown}", verdict.kind)


def _node_id(animator, name: str) -> str:
    nodes = [n for n in animator.snapshot["nodes"] if n["kind"] == "var"]
    ids = [n["id"] for n in nodes if n["name"] == name]
    if len(ids) != 1:
        names = sorted({n["name"] for n in nodes if n["label"]})
        problem = "no node" if not ids else f"{len(ids)} nodes"
        raise KeyError(f"reveal: {problem} named {name!r} in this graph; give it a unique label. Named "
                       f"nodes: {names}")
    return ids[0]


def _event(animator, node_id: str, name: str, quantity: str, use: int | None) -> dict:
    phase = "forward" if quantity == "value" else "backward"
    is_root = node_id == animator.snapshot["root"]
    events = [e for e in animator.events if e["node"] == node_id and e["phase"] == phase and
              (phase == "forward" or is_root or e["use"] > 0)]
    if not events:
        raise ValueError(f"reveal: the {phase} pass never reaches {name!r}")
    if use is None:
        return events[-1]
    if not 1 <= use <= len(events):
        raise ValueError(f"reveal: {name!r} receives {len(events)} contribution(s), so use must be from 1 "
                         f"to {len(events)}, got {use!r}")
    return events[use - 1]


def _plain(value):
    """A snapshot number or array summary as something judge() reads (small arrays keep their data)."""
    if isinstance(value, dict):
        if "data" not in value:
            raise ValueError(f"reveal: this array (shape {value['shape']}) is too large to predict element "
                             "by element; predict a smaller one")
        return value["data"]
    return value
