"""Module-level views of a snapshot: collapsed scopes folded into one step each, and the steps the
animation plays in that view.

Why: a model's graph is read module by module. A collapsed scope (one `nn.Linear`, say) is drawn as a
frame holding its parameters, one op named after the module ("linear") and the values it hands on;
everything else inside it (the transpose, matmul and add, constants) is folded into that op. A run of
identical sibling blocks (the layers of a deep net) can fold into one "×N" op. The animation then steps
module by module: a collapsed module's forward events become one step (its output value), its backward
events one step (the gradients it hands back); inside an expanded module it steps node by node.

A fold is plain data: {"nodes": snapshot id → drawn id, "edges": snapshot edge id → drawn edge id or
None, "groups": drawn id → {...}, "steps": [...]}; the DOT, the widget and the browser read it.
"""
from . import names as N
from .plain import describe

MAX_PERIOD = 4          # a repeated block is at most this many sibling scopes (Linear, Tanh: period 2)


def scope_ids(snap: dict) -> dict:
    """Every scope path in the graph (with its parents, "a" before "a/b") → a stable id "s<n>"."""
    ids: dict = {}
    for node in snap["nodes"]:
        parts = node["scope"].split("/") if node["scope"] else []
        for depth in range(1, len(parts) + 1):
            ids.setdefault("/".join(parts[:depth]), f"s{len(ids)}")
    return ids


def repeats(snap: dict) -> dict:
    """Runs of identical sibling blocks: key "parent/first…last" → {"scopes": [paths], "period": p,
    "count": N}. Blocks are identical when their nodes have the same ops, shapes and inner scopes."""
    children: dict = {}
    signature: dict = {}
    for node in snap["nodes"]:
        parts = node["scope"].split("/") if node["scope"] else []
        for depth in range(1, len(parts) + 1):
            parent, path = "/".join(parts[:depth - 1]), "/".join(parts[:depth])
            if path not in signature:
                children.setdefault(parent, []).append(path)
                signature[path] = []
            inner = "/".join(parts[depth:])
            signature[path].append((node["kind"], node.get("op"), tuple(node.get("shape") or ()), inner))
    sig = {path: tuple(items) for path, items in signature.items()}
    runs = {}
    for parent, paths in children.items():
        i = 0
        while i < len(paths):
            best = None
            for period in range(1, MAX_PERIOD + 1):
                block = [sig[p] for p in paths[i:i + period]]
                count = 1
                while [sig[p] for p in paths[i + count * period:i + (count + 1) * period]] == block:
                    count += 1
                if count >= 2 and (best is None or count * period > best[0] * best[1]):
                    best = (count, period)
            if best is None:
                i += 1
                continue
            count, period = best
            members = paths[i:i + count * period]
            first, last = members[0].rsplit("/", 1)[-1], members[-1].rsplit("/", 1)[-1]
            runs[f"{parent + '/' if parent else ''}{first}…{last}"] = {"scopes": members, "period": period,
                                                                       "count": count}
            i += count * period
    return runs


def module_level(snap: dict, runs: dict) -> list:
    """What a model opens with: every run of repeated blocks, and every innermost scope outside them."""
    in_runs = {path for run in runs.values() for path in run["scopes"]}
    paths = list(scope_ids(snap))
    parents = {p.rsplit("/", 1)[0] for p in paths if "/" in p}
    inside_run = lambda p: any("/".join(p.split("/")[:d]) in in_runs for d in range(1, p.count("/") + 2))
    return list(runs) + [p for p in paths if p not in parents and not inside_run(p)]


def fold(snap: dict, collapsed=(), runs=None, where: str = "fold") -> dict:
    """The view of `snap` with each entry of `collapsed` (a scope path, or a key of `runs`) folded."""
    runs = repeats(snap) if runs is None else runs
    sids = scope_ids(snap)
    unknown = sorted(set(collapsed) - set(sids) - set(runs))
    if unknown:
        raise ValueError(f"{where}: unknown scope(s) {unknown}; this graph has "
                         f"{sorted(sids) or 'none'}" + (f" and runs {sorted(runs)}" if runs else ""))
    run_ids = {key: f"r{n}" for n, key in enumerate(runs)}
    folded_run = {path: key for key in collapsed if key in runs for path in runs[key]["scopes"]}
    folded = set(collapsed)
    by_id = {n["id"]: n for n in snap["nodes"]}

    def container(scope: str):
        parts = scope.split("/") if scope else []
        for depth in range(1, len(parts) + 1):
            path = "/".join(parts[:depth])
            if path in folded_run:
                return folded_run[path]
            if path in folded:
                return path
        return None

    owner = {n["id"]: container(n["scope"]) for n in snap["nodes"]}
    gid = {key: run_ids[key] if key in runs else sids[key] for key in set(owner.values()) if key}
    consumers: dict = {}
    for e in snap["edges"]:
        if e["kind"] == "input":
            consumers.setdefault(e["source"], []).append(e["target"])
    nodes, groups = {}, {}
    for key, g in gid.items():
        groups[g] = {"key": key, "run": key in runs, "label": _group_label(key, runs, snap),
                     "frame": key.rsplit("/", 1)[-1], "parent": _parent_scope(key, runs), "members": []}
    for node in snap["nodes"]:
        key = owner[node["id"]]
        if key is None:
            nodes[node["id"]] = node["id"]
            continue
        outside = any(owner[c] != key for c in consumers.get(node["id"], ())) or node["id"] == snap["root"]
        parameter = node["kind"] == "var" and node["leaf"] and node["trainable"] and key not in runs
        shown = node["kind"] == "var" and (outside or parameter)
        nodes[node["id"]] = node["id"] if shown else gid[key]
        if shown:
            groups[gid[key]]["members"].append(node["id"])
    edges = _edges(snap, nodes, owner, by_id)
    expanded = [path for path in sids if container(path) is None]
    return {"nodes": nodes, "edges": edges, "groups": groups, "scopes": sids, "runs": run_ids,
            "expanded": expanded,
            "steps": _steps(snap, nodes, edges, groups, owner, gid)}


def _group_label(key: str, runs: dict, snap: dict) -> str:
    kinds = snap.get("modules", {})
    if key not in runs:
        return N.fold_label(key.rsplit("/", 1)[-1], kinds)
    run = runs[key]
    block = [N.fold_label(p.rsplit("/", 1)[-1], kinds) for p in run["scopes"][:run["period"]]]
    return f"{' → '.join(block)} ×{run['count']}"


def _parent_scope(key: str, runs: dict) -> str:
    path = runs[key]["scopes"][0] if key in runs else key
    return path.rsplit("/", 1)[0] if "/" in path else ""


def _edges(snap: dict, nodes: dict, owner: dict, by_id: dict) -> dict:
    """Each snapshot edge → the drawn edge showing it; None inside a folded group, and for a value a
    group hands on that is also used inside it (the edge would point back into its own op)."""
    out: dict = {}
    for edge in snap["edges"]:
        s, t = edge["source"], edge["target"]
        source, target = nodes[s], nodes[t]
        back_in = (source == s and target != t and owner[s] == owner[t] and not by_id[s]["leaf"])
        if source == target or back_in:
            out[edge["id"]] = None
        elif source == s and target == t:
            out[edge["id"]] = edge["id"]
        else:
            out[edge["id"]] = f"{source}__{target}"
    return out


def _steps(snap: dict, nodes: dict, edges: dict, groups: dict, owner: dict, gid: dict) -> list:
    """The steps the animation plays: one per event outside folded groups, one per run of consecutive
    events inside one group. Each covers the events first..last: the state at a step is all events up
    to its `last`, so the browser and Python agree on what every node shows."""
    events = snap["events"]
    steps: list = []
    for i, event in enumerate(events):
        op = event.get("op_node")
        group = gid.get(owner[op]) if op else None        # a folded op's forward value or backward edge
        if event["phase"] == "forward" and op is None and nodes[event["node"]] != event["node"] \
                and steps and steps[-1]["phase"] == "forward":
            steps[-1]["last"] = i                   # a constant inside a folded module: nothing to watch
            continue
        last = steps[-1] if steps else None
        if group is not None and last and last["group"] == group and last["phase"] == event["phase"]:
            last["last"] = i
            continue
        steps.append({"phase": event["phase"], "first": i, "last": i, "group": group})
    top = next(n["name"] for n in snap["nodes"] if n["id"] == snap["root"])
    names = {n["id"]: n["name"] for n in snap["nodes"]}
    for s, step in enumerate(steps):
        step["step"] = s
        if step["group"] is None:
            event = events[step["first"]]
            step.update(text=event["text"], node=nodes[event["node"]], event=step["first"])
        else:
            _describe_group_step(step, events, nodes, edges, groups, names, top)
    return steps


def _describe_group_step(step, events, nodes, edges, groups, names, top) -> None:
    group = groups[step["group"]]
    covered = events[step["first"]:step["last"] + 1]
    shown, lit = {}, [step["group"]]
    for event in covered:
        if nodes[event["node"]] == event["node"]:
            shown[event["node"]] = event                  # the latest event of each visible node
        for key in ("edge", "out_edge"):
            if event.get(key) and edges.get(event[key]):
                lit.append(edges[event[key]])
        lit += [edges[e] for e in event.get("edges", []) if edges.get(e)]
    lit += [n for n in shown if n not in lit]
    head = f"{group['frame']} ({group['label']})"
    inner = f"{group['frame']} · "
    if step["phase"] == "forward":
        body = ", ".join(f"{'output' if names[n].startswith(inner) else names[n]} = {e['value_text']}"
                         for n, e in shown.items())
        text = f"{head}: {body}" if body else f"{head} computes inside"
    else:
        body = "; ".join(f"{N.d(top)}/{N.d(names[n])} = {describe(e['grad'])}" for n, e in shown.items())
        text = f"{head} hands the gradient back: {body}" if body else f"{head}: gradients flow inside"
    step.update(text=text, node=step["group"], lit=list(dict.fromkeys(lit)))
