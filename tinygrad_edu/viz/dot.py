"""Snapshot → DOT source (through the `graphviz` package): variables as boxes, operations as small
circles between them, inputs on the left and the output on the right, name scopes as boxed clusters.

Every node and edge carries the snapshot's id (`id=` in DOT, so the SVG has it too): the widget finds
what to light up by id. A scope can be drawn collapsed: its nodes become one box, and `view` says which
drawn element stands for each snapshot node and edge.
"""
import graphviz

from . import plain

GRAPH_ATTRS = {"rankdir": "LR", "fontname": "Helvetica", "fontsize": "11", "nodesep": "0.25",
               "ranksep": "0.35", "bgcolor": "transparent"}
# Big graphs: fewer network-simplex and crossing-minimization passes (layout time grows fast with size).
LARGE_GRAPH = 600
LARGE_GRAPH_ATTRS = {"nslimit": "1", "nslimit1": "1", "mclimit": "0.3"}
VAR_ATTRS = {"shape": "box", "style": "rounded,filled", "fillcolor": "#eef4fb", "color": "#4a6f99",
             "fontname": "Helvetica", "fontsize": "11", "margin": "0.08,0.04"}
OP_ATTRS = {"shape": "circle", "style": "filled", "fillcolor": "#fff3d6", "color": "#a07a1f",
            "fontname": "Helvetica", "fontsize": "12", "width": "0.35", "margin": "0.02"}
EDGE_ATTRS = {"color": "#5f6b7a", "arrowsize": "0.6"}
GROUP_ATTRS = {"shape": "box3d", "style": "filled", "fillcolor": "#f1ecf8", "color": "#6d5a99",
               "fontname": "Helvetica", "fontsize": "11"}


def escape(text: str) -> graphviz.nohtml:
    """User text as a DOT string that is always plain text: never an HTML-like label, and no backslash
    escapes of Graphviz's own (a label "<script>" or "\\N" is shown as typed)."""
    return graphviz.nohtml(str(text).replace("\\", "\\\\").replace('"', '\\"'))


def var_label(node: dict) -> str:
    """The lines of a variable's box: its name, then data and grad (shape and dtype for tensors)."""
    lines = [node["label"]] if node["label"] else []
    if node["shape"]:
        lines.append(f"{'×'.join(map(str, node['shape']))} {node['dtype']}")
    lines.append(f"data {plain.describe(node['value'])}")
    lines.append(f"grad {plain.describe(node['grad'])}")
    return "\n".join(lines)


def scope_ids(snap: dict) -> dict:
    """Every scope path in the graph (with its parents, "a" before "a/b") → a stable id "s<n>"."""
    ids: dict = {}
    for node in snap["nodes"]:
        parts = node["scope"].split("/") if node["scope"] else []
        for depth in range(1, len(parts) + 1):
            ids.setdefault("/".join(parts[:depth]), f"s{len(ids)}")
    return ids


def _shown_scope(scope: str, collapsed: set) -> str | None:
    """The outermost collapsed scope containing `scope`, if any."""
    parts = scope.split("/") if scope else []
    for depth in range(1, len(parts) + 1):
        if "/".join(parts[:depth]) in collapsed:
            return "/".join(parts[:depth])
    return None


def to_dot(snap: dict, collapsed=()) -> tuple[str, dict]:
    """DOT source for a snapshot, and the view: {"nodes": id → drawn id, "edges": id → drawn id or None}.

    `collapsed` lists scope paths drawn as one box each (with how many nodes they hide).
    """
    sids = scope_ids(snap)
    collapsed = set(collapsed)
    unknown = collapsed - set(sids)
    if unknown:
        raise ValueError(f"to_dot: unknown scope(s) {sorted(unknown)}; "
                         f"this graph has {sorted(sids) or 'none'}")
    view_nodes: dict = {}
    members: dict = {}
    hidden: dict = {}
    for node in snap["nodes"]:
        group = _shown_scope(node["scope"], collapsed)
        view_nodes[node["id"]] = sids[group] if group else node["id"]
        if group:
            hidden[group] = hidden.get(group, 0) + 1
        else:
            members.setdefault(node["scope"], []).append(node)
    drawn = len(set(view_nodes.values()))
    graph = graphviz.Digraph(graph_attr={**GRAPH_ATTRS, **(LARGE_GRAPH_ATTRS if drawn > LARGE_GRAPH else {})},
                             node_attr=VAR_ATTRS, edge_attr=EDGE_ATTRS)      # defaults: a smaller DOT
    clusters = {path: graphviz.Digraph(name=f"cluster_{sid}") for path, sid in sids.items()
                if _shown_scope(path, collapsed) is None}
    for path, cluster in clusters.items():
        cluster.attr(id=sids[path], label=escape(path.rsplit("/", 1)[-1]), style="rounded,dashed",
                     color="#8a8a8a", fontname="Helvetica", fontsize="10", labeljust="l")
    for scope, nodes in members.items():
        target = clusters.get(scope, graph)
        for node in nodes:
            _add_node(target, node)
    for group, count in hidden.items():
        target = clusters.get(group.rsplit("/", 1)[0], graph) if "/" in group else graph
        target.node(sids[group], label=escape(f"{group}\n{count} nodes (collapsed)"), id=sids[group],
                    **{"class": "group"}, **GROUP_ATTRS)
    for path in sorted(clusters, key=lambda p: -p.count("/")):      # innermost first into their parent
        parent = path.rsplit("/", 1)[0] if "/" in path else None
        (clusters[parent] if parent in clusters else graph).subgraph(clusters[path])
    view = {"nodes": view_nodes, "edges": _view_edges(snap, view_nodes)}
    _add_edges(graph, snap, view)
    return graph.source, view


def _add_node(target, node: dict) -> None:
    if node["kind"] == "var":
        css = "var leaf" if node["leaf"] else "var"
        target.node(node["id"], label=escape(var_label(node)), id=node["id"], **{"class": css})
    else:
        target.node(node["id"], label=escape(node["op"]), id=node["id"], **{"class": "op"}, **OP_ATTRS)


def _view_edges(snap: dict, view_nodes: dict) -> dict:
    """Each snapshot edge → the drawn edge showing it (None inside a collapsed group)."""
    out: dict = {}
    for edge in snap["edges"]:
        source, target = view_nodes[edge["source"]], view_nodes[edge["target"]]
        if source == target:
            out[edge["id"]] = None
        elif source == edge["source"] and target == edge["target"]:
            out[edge["id"]] = edge["id"]
        else:
            out[edge["id"]] = f"{source}__{target}"
    return out


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
