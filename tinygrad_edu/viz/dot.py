"""Snapshot → DOT source (through the `graphviz` package): variables as boxes, operations as small
circles between them, name scopes as boxed clusters; a folded scope is a frame holding its parameters,
one op named after the module and the values it hands on (see fold.py).

Every node and edge carries the snapshot's id (`id=` in DOT, so the SVG has it too): the widget finds
what to light up by id; the fold says which drawn element stands for each snapshot node and edge.
The direction follows the graph's shape: left to right for small graphs, top to bottom for deep chains.
"""
import graphviz

from . import plain
from .fold import fold

GRAPH_ATTRS = {"fontname": "Helvetica", "fontsize": "11", "nodesep": "0.25", "ranksep": "0.35",
               "bgcolor": "transparent"}
# Big graphs: fewer network-simplex and crossing-minimization passes (layout time grows fast with size).
LARGE_GRAPH = 600
LARGE_GRAPH_ATTRS = {"nslimit": "1", "nslimit1": "1", "mclimit": "0.3"}
WIDE_PX = 1400          # "auto": a graph wider than this left to right is laid out top to bottom
CHAR_PX, BOX_PX, RANK_PX = 7, 20, 34     # rough widths in px: a character, a box's margins, a rank gap
DIRECTIONS = ("auto", "LR", "TB")
VAR_ATTRS = {"shape": "box", "style": "rounded,filled", "fillcolor": "#eef4fb", "color": "#4a6f99",
             "fontname": "Helvetica", "fontsize": "11", "margin": "0.08,0.04"}
OP_ATTRS = {"shape": "circle", "style": "filled", "fillcolor": "#fff3d6", "color": "#a07a1f",
            "fontname": "Helvetica", "fontsize": "12", "width": "0.35", "margin": "0.02"}
EDGE_ATTRS = {"color": "#5f6b7a", "arrowsize": "0.6"}
GROUP_ATTRS = {"shape": "box", "style": "rounded,filled,bold", "fillcolor": "#f1ecf8", "color": "#6d5a99",
               "fontname": "Helvetica", "fontsize": "12", "margin": "0.12,0.04"}
FRAME_ATTRS = {"style": "rounded,dashed", "color": "#8a8a8a", "fontname": "Helvetica", "fontsize": "10",
               "labeljust": "l"}


def escape(text: str) -> graphviz.nohtml:
    """User text as a DOT string that is always plain text, shown exactly as typed: never an HTML-like
    label, no backslash escapes of Graphviz's own ("\\N" stays "\\N"), no entity ("&amp;" stays
    "&amp;"), and no control character or lone surrogate that would make the SVG unreadable XML."""
    text = str(text).replace("&", "&amp;")       # Graphviz passes an entity through as markup
    return graphviz.nohtml(text.replace("\\", "\\\\").replace('"', '\\"'))


def var_label(node: dict, root: str = "") -> str:
    """The lines of a variable's box: its name (an input's or the output's generated one too; a value
    inside a frame needs none), then data and grad (shape and dtype for tensors)."""
    name = node["label"] or (node["name"] if node["leaf"] or node["id"] == root else "")
    lines = [name] if name else []
    if node["shape"]:
        lines.append(f"{'×'.join(map(str, node['shape']))} {node['dtype']}")
    lines.append(f"data {node.get('value_text') or plain.describe(node['value'])}")
    lines.append(f"grad {node['grad_text']}")
    return "\n".join(lines)


def to_dot(snap: dict, collapsed=(), direction: str = "auto", runs=None) -> tuple[str, dict]:
    """DOT source for a snapshot, and its fold (see fold.py): `collapsed` lists scope paths (and keys of
    repeated runs) drawn folded; `direction` is "LR", "TB" or "auto" (by the graph's depth)."""
    if direction not in DIRECTIONS:
        raise ValueError(f"to_dot: direction must be one of {DIRECTIONS}, got {direction!r}")
    view = fold(snap, collapsed, runs, "to_dot")
    nodes, groups = view["nodes"], view["groups"]
    drawn = len(set(nodes.values()))
    rankdir = _direction(snap, view) if direction == "auto" else direction
    graph = graphviz.Digraph(graph_attr={**GRAPH_ATTRS, "rankdir": rankdir,
                                         **(LARGE_GRAPH_ATTRS if drawn > LARGE_GRAPH else {})},
                             node_attr=VAR_ATTRS, edge_attr=EDGE_ATTRS)      # defaults: a smaller DOT
    clusters = {path: _cluster(view["scopes"][path], path.rsplit("/", 1)[-1], "")
                for path in view["expanded"]}
    frames = {g: _cluster(f"{g}_frame", group["frame"], "frame") for g, group in groups.items()}
    for node in snap["nodes"]:
        shown = nodes[node["id"]]
        if shown in groups:
            continue
        owner = next((g for g, group in groups.items() if node["id"] in group["members"]), None)
        _add_node(frames[owner] if owner else clusters.get(node["scope"], graph), node, snap["root"])
    for g, group in groups.items():
        frames[g].node(g, label=escape(group["label"]), id=g, **{"class": "op group"}, **GROUP_ATTRS)
        clusters.get(group["parent"], graph).subgraph(frames[g])
    for path in sorted(clusters, key=lambda p: -p.count("/")):      # innermost first into their parent
        parent = path.rsplit("/", 1)[0] if "/" in path else None
        (clusters[parent] if parent in clusters else graph).subgraph(clusters[path])
    _add_edges(graph, snap, view)
    view["direction"] = rankdir
    return graph.source, view


def _cluster(cid: str, label: str, css: str) -> graphviz.Digraph:
    cluster = graphviz.Digraph(name=f"cluster_{cid}")
    cluster.attr(id=cid, label=escape(label), **({"class": css} if css else {}), **FRAME_ATTRS)
    return cluster


def _direction(snap: dict, view: dict) -> str:
    """"TB" when the graph laid out left to right would be much wider than a notebook (a deep chain),
    else "LR". The width is estimated from the text of the widest box in each rank."""
    labels = {g: group["label"] for g, group in view["groups"].items()}
    width: dict = {}
    depth: dict = {}
    for node in snap["nodes"]:
        shown = view["nodes"][node["id"]]
        if shown in labels:
            text = labels[shown]
        elif node["kind"] == "var":
            text = var_label(node, snap["root"])
        else:
            text = node["op"]
        width[shown] = max(width.get(shown, 0), CHAR_PX * max(map(len, text.split("\n"))) + BOX_PX)
        depth.setdefault(shown, 0)
    for edge in snap["edges"]:                       # snapshot order is topological
        s, t = view["nodes"][edge["source"]], view["nodes"][edge["target"]]
        if s != t:
            depth[t] = max(depth[t], depth[s] + 1)
    ranks: dict = {}
    for shown, d in depth.items():
        ranks[d] = max(ranks.get(d, 0), width[shown])
    return "TB" if sum(ranks.values()) + RANK_PX * len(ranks) > WIDE_PX else "LR"


def _add_node(target, node: dict, root: str) -> None:
    if node["kind"] == "var":
        css = "var leaf" if node["leaf"] else "var"
        target.node(node["id"], label=escape(var_label(node, root)), id=node["id"], **{"class": css})
    else:
        target.node(node["id"], label=escape(node["op"]), id=node["id"], **{"class": "op"}, **OP_ATTRS)


def _add_edges(graph, snap: dict, view: dict) -> None:
    drawn = set()
    for edge in snap["edges"]:
        shown = view["edges"][edge["id"]]
        if shown is None or shown in drawn:
            continue
        drawn.add(shown)
        attrs = {"id": shown, "class": f"edge-{edge['kind']}"}
        if edge["shape"] and edge["kind"] == "input":
            text = "×".join(map(str, edge["shape"]))
            if edge.get("broadcast"):
                text += " (broadcast)"
            attrs.update(label=escape(text), fontsize="9", fontname="Helvetica", fontcolor="#5f6b7a")
        graph.edge(view["nodes"][edge["source"]], view["nodes"][edge["target"]], **attrs)
