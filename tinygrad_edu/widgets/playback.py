"""What the animator shows at a step, computed in Python (the browser computes the same in
graph_animator.js): lessons read it, and the static SVG fallback and save_svg draw it."""
import html
import re

from ..viz.snapshot import NOT_COMPUTED

PHASES = ("both", "forward", "backward")


def step_range(events: list, phase: str) -> tuple[int, int]:
    """First and last step a phase plays; step -1 is "nothing computed yet", and the backward phase
    starts where the forward pass is complete."""
    forward = sum(e["phase"] == "forward" for e in events)
    if phase == "forward":
        return -1, forward - 1
    if phase == "backward":
        return forward - 1, len(events) - 1
    return -1, len(events) - 1


def state_at(events: list, step: int) -> dict:
    """Each variable's shown value and gradient text after the events up to `step`."""
    state = {}
    for event in events[: step + 1]:
        shown = state.setdefault(event["node"], {"value": NOT_COMPUTED, "grad": NOT_COMPUTED})
        if event["phase"] == "forward":
            shown["value"] = event["value_text"]
        else:
            shown["grad"] = event["grad_text"]
    return state


def highlighted_ids(event) -> list:
    """The node and edge ids an event lights up (the same rule as the browser's)."""
    if event is None:
        return []
    ids = [event.get(key) for key in ("node", "op_node", "from", "edge", "out_edge")] + event.get("edges", [])
    return [i for i in ids if i]


_VAR_GROUP = re.compile(r'(<g id="(v\d+)" class="node var[^"]*">)(.*?)(</g>)', re.S)
_TEXT = re.compile(r"(<text[^>]*>)([^<]*)(</text>)")


def svg_at(svg: str, events: list, step: int) -> str:
    """The laid-out SVG with every variable's data and grad lines showing their state at `step`."""
    state = state_at(events, step)

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
