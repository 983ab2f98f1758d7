"""What the animator shows at a step, computed in Python (the browser computes the same in
graph_animator.js): lessons read it, and the static SVG fallback and save_svg draw it.

A step covers the snapshot's events `first..last` (one event, or a folded module's run of them); what
every variable shows at a step is the result of all events up to that step's `last`."""
import html
import re

from ..viz.snapshot import NO_GRAD, NOT_COMPUTED

PHASES = ("both", "forward", "backward")


def step_range(steps: list, phase: str) -> tuple[int, int]:
    """First and last step a phase plays; step -1 is "nothing computed yet", and the backward phase
    starts where the forward pass is complete."""
    forward = sum(s["phase"] == "forward" for s in steps)
    if phase == "forward":
        return -1, forward - 1
    if phase == "backward":
        return forward - 1, len(steps) - 1
    return -1, len(steps) - 1


def initial_state(nodes: list) -> dict:
    """Before any event: nothing computed, and "no gradient" where none will ever flow."""
    return {n["id"]: {"value": NOT_COMPUTED, "grad": NO_GRAD if n["grad_text"] == NO_GRAD else NOT_COMPUTED}
            for n in nodes if n["kind"] == "var"}


def state_at(nodes: list, events: list, last: int) -> dict:
    """Each variable's shown value and gradient text after the events up to index `last`."""
    state = initial_state(nodes)
    for event in events[: last + 1]:
        shown = state[event["node"]]
        if event["phase"] == "forward":
            shown["value"] = event["value_text"]
        else:
            shown["grad"] = event["grad_text"]
    return state


def steps_for(events: list, fold_steps: list) -> list:
    """The steps a lesson reads: a step of one event is that event (with its step number and range),
    a folded module's step is the fold's own description."""
    out = []
    for s, step in enumerate(fold_steps):
        if "event" in step:
            out.append({**events[step["event"]], "step": s, "first": step["first"], "last": step["last"]})
        else:
            out.append({k: v for k, v in step.items() if k != "group"})
    return out


def for_browser(fold_steps: list) -> list:
    """Steps as the browser needs them: {"e": i} for one event (it reads the rest from the event), the
    fold's text and lit ids for a folded module's step."""
    return [{"e": s["event"]} if "event" in s else
            {"f": s["first"], "l": s["last"], "t": s["text"], "n": s["node"], "lit": s["lit"],
             "p": s["phase"]}
            for s in fold_steps]


def highlighted_ids(step, view: dict) -> list:
    """The drawn node and edge ids a step lights up (the same rule as the browser's)."""
    if step is None:
        return []
    if "lit" in step:
        return list(step["lit"])
    ids = [step.get(key) for key in ("node", "op_node", "from", "edge", "out_edge")] + step.get("edges", [])
    drawn = [view["nodes"].get(i, view["edges"].get(i)) for i in ids if i]
    return list(dict.fromkeys(i for i in drawn if i))


_VAR_GROUP = re.compile(r'(<g id="(v\d+)" class="node var[^"]*">)(.*?)(</g>)', re.S)
_TEXT = re.compile(r"(<text[^>]*>)([^<]*)(</text>)")


def svg_at(svg: str, state: dict) -> str:
    """The laid-out SVG with every variable's data and grad lines showing `state`."""

    def patch(match):
        shown = state.get(match.group(2), {"value": NOT_COMPUTED, "grad": NOT_COMPUTED})
        body = match.group(3)
        texts = list(_TEXT.finditer(body))[-2:]
        lines = (f"data {shown['value']}", f"grad {shown['grad']}")
        for text, line in reversed(list(zip(texts, lines))):      # from the end: earlier spans stay valid
            start, end = text.span(2)
            body = body[:start] + html.escape(line) + body[end:]
        return match.group(1) + body + match.group(4)

    return _VAR_GROUP.sub(patch, svg)
