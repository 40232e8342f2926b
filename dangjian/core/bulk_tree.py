"""Adding many nodes to a treebeard materialized-path tree at once (the big demo cities).

treebeard's ``add_child`` costs several queries per node and, with ``node_order_by``, shifts
the paths of later siblings on every sorted insert: 15,000 organizations take many minutes.
Here the whole tree's ``path``/``depth``/``numchild`` are computed in Python by treebeard's own
conventions — each parent's children sorted by the model's ``node_order_by``, numbered from 1
with ``Model._get_path`` (the model's ``steplen`` and ``alphabet``) — and written with a few
bulk statements. The result is the tree the sorted inserts would have produced: among equal
sort keys an existing node stays before a new one (treebeard inserts before the first sibling
with a strictly greater key) and new nodes keep the order they were given in.

Existing nodes move only if a new sibling sorts before them; they are rewritten in two steps
(through a temporary path outside the alphabet) so no statement meets the unique ``path``
index halfway. No signals, no history: callers that need an audit trail use the services.
"""

from dataclasses import dataclass, field

from treebeard.mp_tree import MP_Node

_TEMPORARY_PREFIX = "~"  # not in any treebeard alphabet: temporary paths collide with nothing


@dataclass(eq=False)
class _Slot:
    node: MP_Node
    new: bool
    rank: tuple  # the tie-breaker among equal sort keys
    children: list["_Slot"] = field(default_factory=list)


def add_nodes(model: type[MP_Node], new_nodes: list[tuple[MP_Node, MP_Node | None]], *, batch_size: int = 2000
              ) -> list[MP_Node]:
    """Insert ``new_nodes`` — (unsaved instance, parent) pairs, parents first; a parent is a
    saved node of ``model``, an instance given earlier in the list, or None for a root — and
    return the inserted instances with their primary keys set."""
    if not new_nodes:
        return []
    order_fields = list(model.node_order_by)
    existing = list(model.objects.only("pk", "path", "depth", "numchild", *order_fields).order_by("path"))
    roots: list[_Slot] = []
    by_path: dict[str, _Slot] = {}
    by_pk: dict[int, _Slot] = {}
    for node in existing:  # ordered by path: a parent comes before its children
        slot = _Slot(node=node, new=False, rank=(0, node.path))
        by_path[node.path] = slot
        by_pk[node.pk] = slot
        parent_path = node.path[: -model.steplen]
        (by_path[parent_path].children if parent_path else roots).append(slot)
    new_slots: dict[int, _Slot] = {}
    for index, (node, parent) in enumerate(new_nodes):
        slot = _Slot(node=node, new=True, rank=(1, index))
        new_slots[id(node)] = slot
        if parent is None:
            roots.append(slot)
        elif id(parent) in new_slots:
            new_slots[id(parent)].children.append(slot)
        else:
            by_pk[parent.pk].children.append(slot)

    moved: list[MP_Node] = []
    old_paths = {slot.node.pk: slot.node.path for slot in by_pk.values()}
    old_numchild = {slot.node.pk: slot.node.numchild for slot in by_pk.values()}

    def place(siblings: list[_Slot], parent_path: str, depth: int) -> None:
        siblings.sort(key=lambda slot: (tuple(getattr(slot.node, name) for name in order_fields), slot.rank))
        for position, slot in enumerate(siblings, start=1):
            node = slot.node
            node.path = model._get_path(parent_path, depth, position)
            node.depth = depth
            node.numchild = len(slot.children)
            if not slot.new and (node.path != old_paths[node.pk] or node.numchild != old_numchild[node.pk]):
                moved.append(node)
            place(slot.children, node.path, depth + 1)

    place(roots, "", 1)
    _rewrite(model, moved, old_paths, batch_size)
    inserted = [node for node, _parent in new_nodes]
    model.objects.bulk_create(inserted, batch_size=batch_size)
    return inserted


def _rewrite(model, moved: list[MP_Node], old_paths: dict[int, str], batch_size: int) -> None:
    shifted = [node for node in moved if node.path != old_paths[node.pk]]
    if shifted:
        final = {node.pk: node.path for node in shifted}
        for node in shifted:
            node.path = _TEMPORARY_PREFIX + final[node.pk]
        model.objects.bulk_update(shifted, ["path"], batch_size=batch_size)
        for node in shifted:
            node.path = final[node.pk]
    if moved:
        model.objects.bulk_update(moved, ["path", "depth", "numchild"], batch_size=batch_size)
