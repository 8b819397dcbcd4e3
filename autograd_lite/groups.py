"""The modules of a graph as nested groups of nodes, found from the nodes' labels alone.

A model's parameters are leaves labelled with dotted names
(``layers.0.neurons.2.w.1``), and each call of a module labels the interior
nodes it returns with the module's path (``layers.0.neurons.2``), as `nn`
modules do. `find_groups` reads those labels back: it knows nothing of `nn`.

The rules:

- A group's path is the label of an interior node under which some leaf is
  labelled (the leaf's label starts with the path and a "."). Those interior
  nodes are the group's labelled outputs: one per call of its module.
- Every proper prefix of such a path whose next part is a name rather than a
  list index is a group too (``layers.0`` above ``layers.0.neurons.2``, but
  not ``layers`` or ``layers.0.neurons``): a module holding modules, such as a
  Layer, whose outputs are its submodules' own. The empty path is no group.
- A leaf belongs to the innermost group its label lies under; other leaves
  (inputs, constants) to none. An interior node labelled with a group's path,
  or a path under it, belongs to that group. Any other interior node belongs
  to the innermost group that encloses every node using it, and to none if a
  node outside every group (such as a loss) uses it.
- A group's members are its nodes and those of the groups inside it.

Labels are all it reads, so an unlabelled node computed outside every module
and used by one module only reads as that module's own.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from autograd_lite.engine import Value


@dataclass(frozen=True)
class Group:
    """The nodes of one module of a graph: its path, its enclosing group's, its nodes."""

    path: str
    """The module's dotted path, e.g. "layers.0.neurons.2"."""
    parent: str | None
    """The enclosing group's path ("layers.0"), None for a group at the top."""
    members: tuple[Value, ...]
    """Every node of the group and of its sub-groups (parameters, interior nodes,
    outputs), in the order of the graph's topological order."""
    outputs: tuple[Value, ...]
    """The interior members labelled with the group's path, used by a node outside the
    group, or used by no node of the graph (its results), in the same order."""


def find_groups(order: Sequence[Value]) -> list[Group]:
    """The module groups of the graph whose nodes are `order`, a topological order
    (`topological_order(root)`): each group before the groups inside it, siblings in
    the order of their first interior node. A node is in at most one innermost
    group; nodes outside every module, such as a loss, are in none."""
    paths = _group_paths(order)
    if not paths:
        return []
    parent = {path: _enclosing(path, paths) for path in paths}
    users: dict[Value, list[Value]] = {}
    for node in order:
        for operand in node.parents:
            users.setdefault(operand, []).append(node)

    # Each node's innermost group. Users come after what they use in `order`, so
    # walking it backwards settles every user's group before the node's.
    owner: dict[Value, str | None] = {}
    for node in reversed(order):
        label = node.label
        if node.op is None:
            # A leaf labelled with a group's own path is a module's output detached: an input.
            owner[node] = None if label in paths else _enclosing(label, paths)
        elif label in paths:
            owner[node] = label
        elif (inside := _enclosing(label, paths)) is not None:
            # Labelled by a module with no parameters inside a group: that group's node.
            owner[node] = inside
        elif node in users:
            owner[node] = _common([owner[user] for user in users[node]], parent)
        else:
            owner[node] = None  # a root of the graph, labelled by no module

    members: dict[str, list[Value]] = {path: [] for path in paths}
    for node in order:
        group = owner[node]
        while group is not None:
            members[group].append(node)
            group = parent[group]

    groups: dict[str, Group] = {}
    for path, nodes in members.items():
        # Interior nodes only: a parameter shared with another module is no result of this one.
        outputs = tuple(
            node
            for node in nodes
            if node.op is not None
            and (
                node.label == path
                or node not in users
                or any(not _within(owner[user], path) for user in users[node])
            )
        )
        groups[path] = Group(path, parent[path], tuple(nodes), outputs)
    position = {node: index for index, node in enumerate(order)}
    return _outer_first(groups, position)


def _prefixes(label: str) -> list[str]:
    """The proper dotted prefixes of `label`, shortest first: "a.b.c" gives "a", "a.b"."""
    parts = label.split(".")
    return [".".join(parts[:end]) for end in range(1, len(parts))]


def _group_paths(order: Sequence[Value]) -> set[str]:
    """Every group's path: the labels of interior nodes with leaves under them, and
    their prefixes that name a module."""
    under_leaves: set[str] = set()
    for node in order:
        if node.op is None and "." in node.label:
            under_leaves.update(_prefixes(node.label))
    found = {node.label for node in order if node.op is not None and node.label in under_leaves}
    enclosing = set()
    for path in found:
        parts = path.split(".")
        for end in range(1, len(parts)):
            # A list or tuple of modules adds an index part ("layers" "0"); a module
            # holds its submodules under attribute names ("neurons"), never digits.
            if not parts[end].isdigit():
                enclosing.add(".".join(parts[:end]))
    return found | enclosing


def _enclosing(label: str, paths: set[str]) -> str | None:
    """The longest of `paths` that `label` lies under (a proper prefix), or None."""
    if "." not in label:
        return None
    for prefix in reversed(_prefixes(label)):
        if prefix in paths:
            return prefix
    return None


def _within(group: str | None, path: str) -> bool:
    """Whether `group` is the group `path` or one inside it."""
    return group is not None and (group == path or group.startswith(path + "."))


def _common(groups: list[str | None], parent: dict[str, str | None]) -> str | None:
    """The innermost group that is or encloses each of `groups`; None if only the top."""
    common = groups[0]
    for group in groups[1:]:
        while common is not None and not _within(group, common):
            common = parent[common]
    return common


def _outer_first(groups: dict[str, Group], position: dict[Value, int]) -> list[Group]:
    """`groups` depth first: each before its sub-groups, siblings by their first
    interior node."""

    def start(group: Group) -> int:
        # The first node computed rather than the first member: a topological order
        # may place a later layer's parameters before the earlier layer's work.
        return min(position[node] for node in group.members if node.op is not None)

    children: dict[str | None, list[Group]] = {}
    for group in sorted(groups.values(), key=start):
        children.setdefault(group.parent, []).append(group)
    result: list[Group] = []
    stack = list(reversed(children.get(None, [])))
    while stack:
        group = stack.pop()
        result.append(group)
        stack.extend(reversed(children.get(group.path, [])))
    return result
