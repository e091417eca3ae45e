"""Primitives for the trees inside a PDF, shared by finishing and merging.

The structure tree (its elements in reading order, the pages each one is on, the
ParentTree that maps marked content back to elements), number and name trees, named
destinations and link targets, and marked content in page streams. Finishing a paper
(:mod:`reportgen.pdf.finish`), joining its parts (:mod:`reportgen.pdf.split`) and
assembling packs (:mod:`reportgen.pdf.graft`, :mod:`reportgen.pdf.place`) all edit
these trees; this module is the one place that knows their shape.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping

import pikepdf
from pikepdf import Array, Dictionary, Name, Operator, String

ObjGen = tuple[int, int]


#: Dictionaries in a structure element's /K that are content, not elements.
_CONTENT_ITEM_TYPES = (Name.MCR, Name.OBJR)


def walk_elements(node) -> Iterator[tuple[pikepdf.Dictionary, list[pikepdf.Dictionary]]]:
    """Every structure element with its ancestors, depth first, in reading order."""
    stack: list[tuple[object, list]] = [(node, [])]
    while stack:
        current, ancestors = stack.pop()
        if not isinstance(current, pikepdf.Dictionary):
            continue
        element_here = "/S" in current
        if element_here:
            yield current, ancestors
        kids = current.get("/K")
        chain = [*ancestors, current] if element_here else ancestors
        if isinstance(kids, pikepdf.Array):
            stack.extend((kid, chain) for kid in reversed(list(kids)))
        elif isinstance(kids, pikepdf.Dictionary):
            stack.append((kids, chain))


def parent_tree_entry(pdf: pikepdf.Pdf, page: pikepdf.Page) -> pikepdf.Array:
    """The page's array in the ParentTree (one entry per MCID), created if missing."""
    tree = pdf.Root.StructTreeRoot
    parent_tree = tree.get("/ParentTree")
    if parent_tree is None:
        parent_tree = tree.ParentTree = pdf.make_indirect(Dictionary(Nums=Array()))
    nums = parent_tree.Nums
    if "/StructParents" in page.obj:
        key = int(page.obj.StructParents)
        for index in range(0, len(nums), 2):
            if int(nums[index]) == key:
                return nums[index + 1]
    keys = [int(nums[i]) for i in range(0, len(nums), 2)]
    key = max(keys, default=-1) + 1
    key = max(key, int(tree.get("/ParentTreeNextKey", 0)))
    page.obj.StructParents = key
    tree.ParentTreeNextKey = key + 1
    entry = pdf.make_indirect(Array())
    nums.extend([key, entry])
    return entry


def _tree_items(node, leaves: str, depth: int = 0) -> list[tuple[object, object]]:
    """All (key, value) pairs of a number or name tree (``leaves`` is "/Nums" or
    "/Names"), whether its pairs sit in the root or in /Kids."""
    if not isinstance(node, pikepdf.Dictionary) or depth > 32:
        return []
    pairs = node.get(leaves)
    items = ([(pairs[i], pairs[i + 1]) for i in range(0, len(pairs) - 1, 2)]
             if isinstance(pairs, pikepdf.Array) else [])
    for kid in node.get("/Kids", ()):
        items += _tree_items(kid, leaves, depth + 1)
    return items


def number_tree(node) -> list[tuple[int, object]]:
    return [(int(key), value) for key, value in _tree_items(node, "/Nums")]


def name_tree(node) -> list[tuple[bytes, object]]:
    return [(bytes(key), value) for key, value in _tree_items(node, "/Names")]


def flat_name_tree(pdf: pikepdf.Pdf, items: Mapping[bytes, object]) -> pikepdf.Dictionary:
    """A one-level name tree (keys sorted bytewise, as the format requires).

    The array is built in one go: growing a pikepdf Array item by item is quadratic.
    """
    names: list = []
    for key in sorted(items):
        names += (String(key), items[key])
    return pdf.make_indirect(Dictionary(Names=Array(names)))


def read_parent_tree(tree: pikepdf.Dictionary) -> dict[int, object]:
    return dict(number_tree(tree.get("/ParentTree")))


def write_parent_tree(pdf: pikepdf.Pdf, tree: pikepdf.Dictionary,
                       entries: Mapping[int, object], next_key: int) -> None:
    """Write the ParentTree as a single /Nums array (a /Kids tree is flattened)."""
    nums: list = []
    for key in sorted(entries):
        nums += (key, entries[key])
    tree.ParentTree = pdf.make_indirect(Dictionary(Nums=Array(nums)))
    tree.ParentTreeNextKey = max(next_key, max(entries, default=-1) + 1)


def flatten_parent_tree(pdf: pikepdf.Pdf) -> pikepdf.Dictionary:
    """The StructTreeRoot, with its ParentTree flattened to /Nums (for tagging helpers)."""
    tree = structure_root(pdf)
    current = tree.get("/ParentTree")
    if isinstance(current, pikepdf.Dictionary) and "/Kids" not in current and \
            isinstance(current.get("/Nums"), pikepdf.Array):
        return tree  # already flat (every placement after the first in a pack)
    write_parent_tree(pdf, tree, read_parent_tree(tree), int(tree.get("/ParentTreeNextKey", 0)))
    return tree


def named_destinations(pdf: pikepdf.Pdf) -> dict[tuple[str, bytes], object]:
    """Named destinations: ("s", name) from the /Names /Dests tree, ("n", name) from
    the older /Dests dictionary (a link's /Dest string or name picks the table)."""
    found: dict[tuple[str, bytes], object] = {}
    names = pdf.Root.get("/Names")
    if isinstance(names, pikepdf.Dictionary):
        found.update({("s", key): value for key, value in name_tree(names.get("/Dests"))})
    dests = pdf.Root.get("/Dests")
    if isinstance(dests, pikepdf.Dictionary):
        found.update({("n", key[1:].encode()): value for key, value in dests.items()})
    return found


def dest_key(dest) -> tuple[str, bytes] | None:
    if isinstance(dest, pikepdf.String):
        return ("s", bytes(dest))
    if isinstance(dest, pikepdf.Name):
        return ("n", str(dest)[1:].encode())
    return None


def explicit_destination(dest, named: Mapping[tuple[str, bytes], object]) -> pikepdf.Array | None:
    """``dest`` as an explicit destination array (named ones looked up)."""
    key = dest_key(dest)
    if key is not None:
        dest = named.get(key)
    if isinstance(dest, pikepdf.Dictionary):
        dest = dest.get("/D")
    return dest if isinstance(dest, pikepdf.Array) and len(dest) > 0 else None


def link_target(annot: pikepdf.Dictionary):
    """The destination of a link annotation or of its GoTo action, else None."""
    if "/Dest" in annot:
        return annot.Dest
    action = annot.get("/A")
    if isinstance(action, pikepdf.Dictionary) and action.get("/S") == Name.GoTo:
        return action.get("/D")
    return None


def page_number(dest_page, pages: Mapping[ObjGen, int], count: int) -> int | None:
    if isinstance(dest_page, pikepdf.Dictionary):
        return pages.get(dest_page.objgen)
    if isinstance(dest_page, int) and not isinstance(dest_page, bool) and 0 <= dest_page < count:
        return dest_page  # remote-style destination: a page number
    return None


def structure_root(pdf: pikepdf.Pdf) -> pikepdf.Dictionary:
    """The StructTreeRoot, created (with a Document element) if the PDF has none."""
    tree = pdf.Root.get("/StructTreeRoot")
    if isinstance(tree, pikepdf.Dictionary):
        return tree
    tree = pdf.Root.StructTreeRoot = pdf.make_indirect(Dictionary(Type=Name.StructTreeRoot))
    tree.K = pdf.make_indirect(Dictionary(Type=Name.StructElem, S=Name.Document, P=tree,
                                          K=Array()))
    tree.ParentTree = pdf.make_indirect(Dictionary(Nums=Array()))
    tree.ParentTreeNextKey = 0
    pdf.Root.MarkInfo = Dictionary(Marked=True)
    return tree


def is_element(obj) -> bool:
    return (isinstance(obj, pikepdf.Dictionary) and "/S" in obj
            and obj.get("/Type") not in _CONTENT_ITEM_TYPES)


def kids_of(node) -> list:
    kids = node.get("/K")
    if kids is None:
        return []
    return list(kids) if isinstance(kids, pikepdf.Array) else [kids]


def own_page(node, inherited: ObjGen | None) -> ObjGen | None:
    page = node.get("/Pg")
    return page.objgen if isinstance(page, pikepdf.Dictionary) else inherited


def item_page(item: pikepdf.Dictionary, inherited: ObjGen | None) -> ObjGen | None:
    """Page of a marked-content or object reference (an annotation's /P if need be)."""
    page = item.get("/Pg")
    if isinstance(page, pikepdf.Dictionary):
        return page.objgen
    target = item.get("/Obj")
    if isinstance(target, pikepdf.Dictionary) and isinstance(target.get("/P"),
                                                             pikepdf.Dictionary):
        return target.P.objgen
    return inherited


def is_mcid(kid) -> bool:
    return isinstance(kid, int) and not isinstance(kid, bool)


def subtree_pages(node, inherited: ObjGen | None = None, depth: int = 0) -> set[ObjGen]:
    """The pages an element (its own /Pg and all its content) is on."""
    own = own_page(node, inherited)
    pages = {own} if "/Pg" in node and own else set()
    if depth > 200:
        return pages
    for kid in kids_of(node):
        if is_mcid(kid):
            if own:
                pages.add(own)
        elif is_element(kid):
            pages |= subtree_pages(kid, own, depth + 1)
        elif isinstance(kid, pikepdf.Dictionary):
            page = item_page(kid, own)
            if page:
                pages.add(page)
    return pages


def standard_role(element: pikepdf.Dictionary, role_map) -> Name:
    """The standard structure type ``element`` stands for, through the RoleMap."""
    role, seen = element.get("/S"), set()
    while isinstance(role_map, pikepdf.Dictionary) and role in role_map and role not in seen:
        seen.add(role)
        role = role_map[role]
    return role


def insert_kid(parent: pikepdf.Dictionary, position: int, kid: pikepdf.Dictionary) -> None:
    kids = parent.get("/K")
    if not isinstance(kids, pikepdf.Array):
        parent.K = kids = Array([] if kids is None else [kids])
    kids.insert(position, kid)
    kid.P = parent


def after_earlier_pages(tree: pikepdf.Dictionary, index_of: Mapping[ObjGen, int],
                         before: int, later: set[ObjGen],
                         pages_of=subtree_pages) -> tuple[pikepdf.Dictionary, int]:
    """Parent and position just after the structure elements of pages before ``before``.

    Descends into an element only if it also holds content of later pages (it spans
    the insertion point), and always into a lone Document element, so a paper goes
    inside the pack's Document rather than beside it.
    """
    node = tree
    for _ in range(200):
        kids = kids_of(node)
        elements = [(i, kid) for i, kid in enumerate(kids) if is_element(kid)]
        if (node is tree and len(elements) == 1
                and standard_role(elements[0][1], tree.get("/RoleMap")) == Name.Document):
            node = elements[0][1]
            continue
        last: tuple[int, pikepdf.Dictionary, set[ObjGen]] | None = None
        for position, kid in reversed(elements):  # from the end: the last such element
            pages = pages_of(kid)                 # is found without walking all before it
            if any(index_of.get(page, before) < before for page in pages):
                last = (position, kid, pages)
                break
        if last is None:
            return node, 0
        position, kid, pages = last
        spans = any(page in later or index_of.get(page, -1) >= before for page in pages)
        if not spans:
            return node, position + 1
        node = kid
    return node, len(kids_of(node))


def strip_mcids(stream: pikepdf.Stream, tag: Name | None = None) -> None:
    """Turn ``/Tag <</MCID n>> BDC`` into ``/<tag> BMC`` in a form's content (with
    ``tag=None``, into ``/Tag BMC``: the sequence keeps its own tag).

    The frame page's own marked content (WeasyPrint tags margin boxes as /Span with an
    MCID) must not carry MCIDs once it is an artifact inside a Form XObject: they would
    point into a ParentTree entry that no longer exists. They become /Artifact too, so
    tools that look only at the innermost tag (pdfminer, pdfplumber) also see an
    artifact. A placed page's own tags (a tagged source) keep their tag names but lose
    their MCIDs for the same reason: its /Figure's alternative text stands for it.
    Other marked content, such as optional-content markers, is left alone.
    """
    resources = stream.get("/Resources")
    properties = resources.get("/Properties") if isinstance(resources, pikepdf.Dictionary) else None
    instructions = pikepdf.parse_content_stream(stream)
    changed = False
    out = []
    for instruction in instructions:
        if isinstance(instruction, pikepdf.ContentStreamInstruction) \
                and instruction.operator == Operator("BDC") and len(instruction.operands) == 2:
            own_tag, props = instruction.operands
            if isinstance(props, pikepdf.Name) and isinstance(properties, pikepdf.Dictionary):
                props = properties.get(props)
            if isinstance(props, pikepdf.Dictionary) and "/MCID" in props:
                out.append(pikepdf.ContentStreamInstruction([tag or own_tag], Operator("BMC")))
                changed = True
                continue
        out.append(instruction)
    if changed:
        stream.write(pikepdf.unparse_content_stream(out))


def _link_key(annot: pikepdf.Dictionary) -> bytes | None:
    """What a link annotation leads to, as comparable bytes (None: not a link)."""
    if annot.get("/Subtype") != Name.Link:
        return None
    target = annot.get("/Dest", annot.get("/A"))
    if target is None:
        return None
    return target.unparse(resolved=True) if target.is_indirect else target.unparse()


def _inside(inner, outer, tolerance: float = 0.5) -> bool:
    a = [float(v) for v in inner]
    b = [float(v) for v in outer]
    a = [min(a[0], a[2]), min(a[1], a[3]), max(a[0], a[2]), max(a[1], a[3])]
    b = [min(b[0], b[2]), min(b[1], b[3]), max(b[0], b[2]), max(b[1], b[3])]
    return (a[0] >= b[0] - tolerance and a[1] >= b[1] - tolerance
            and a[2] <= b[2] + tolerance and a[3] <= b[3] + tolerance)


def merge_duplicate_links(pdf: pikepdf.Pdf, page: pikepdf.Page) -> int:
    """Keep one link annotation where a page has several to the same place, one inside
    the other; returns how many went.

    WeasyPrint writes a link annotation for every box inside an ``<a>`` that is not
    text: an ``a::after`` that prints the page number (``target-counter``) gives two
    annotations, one over the other, each with its own /Link structure element, the
    second nested in the first. A screen reader then announces every link twice. The
    inner annotation goes, with its ParentTree entry and OBJR; the inner element's
    content moves up into the outer /Link, so the text stays in the link it belongs to.
    """
    annots = page.obj.get("/Annots")
    if not isinstance(annots, pikepdf.Array):
        return 0
    kept: list[tuple[bytes, pikepdf.Dictionary]] = []
    doomed: list[tuple[pikepdf.Dictionary, pikepdf.Dictionary]] = []
    for annot in annots:
        if not isinstance(annot, pikepdf.Dictionary):
            continue
        key = _link_key(annot)
        if key is None or not isinstance(annot.get("/Rect"), pikepdf.Array):
            continue
        twin = next((k for kk, k in kept if kk == key and _inside(annot.Rect, k.Rect)), None)
        if twin is None:
            kept.append((key, annot))
        else:
            doomed.append((annot, twin))
    if not doomed:
        return 0
    tree = pdf.Root.get("/StructTreeRoot")
    entries = read_parent_tree(tree) if isinstance(tree, pikepdf.Dictionary) else {}
    page_entry = entries.get(int(page.obj.get("/StructParents", -1)))
    for annot, twin in doomed:
        element = entries.pop(int(annot.get("/StructParent", -1)), None)
        outer = entries.get(int(twin.get("/StructParent", -1)))
        if isinstance(element, pikepdf.Dictionary):
            _fold_link_element(element, annot, outer, page_entry)
    gone = {annot.objgen for annot, _ in doomed}
    page.obj.Annots = Array([a for a in annots
                             if not (isinstance(a, pikepdf.Dictionary) and a.objgen in gone)])
    if isinstance(tree, pikepdf.Dictionary):
        write_parent_tree(pdf, tree, entries, int(tree.get("/ParentTreeNextKey", 0)))
    return len(doomed)


def _fold_link_element(element: pikepdf.Dictionary, annot: pikepdf.Dictionary,
                       outer, page_entry) -> None:
    """Take ``annot``'s OBJR out of its element; an inner /Link left over is folded into
    the ``outer`` one (its content re-pointed in the page's ParentTree entry)."""
    rest = [kid for kid in kids_of(element) if not (
        isinstance(kid, pikepdf.Dictionary) and kid.get("/Type") == Name.OBJR
        and isinstance(kid.get("/Obj"), pikepdf.Dictionary) and kid.Obj.objgen == annot.objgen)]
    parent = element.get("/P")
    nested = (isinstance(outer, pikepdf.Dictionary) and isinstance(parent, pikepdf.Dictionary)
              and outer.objgen != element.objgen and parent.objgen == outer.objgen)
    if not nested:
        element.K = Array(rest)
        if not rest and isinstance(parent, pikepdf.Dictionary):
            parent.K = Array([k for k in kids_of(parent) if not (
                isinstance(k, pikepdf.Dictionary) and k.objgen == element.objgen)])
        return
    if "/Pg" not in outer and "/Pg" in element:
        outer.Pg = element.Pg  # its MCIDs name content on that page
    for kid in rest:
        if is_element(kid):
            kid.P = outer
        elif is_mcid(kid) and isinstance(page_entry, pikepdf.Array) and kid < len(page_entry):
            page_entry[kid] = outer
    kids: list = []
    for kid in kids_of(outer):
        if isinstance(kid, pikepdf.Dictionary) and kid.objgen == element.objgen:
            kids += rest
        else:
            kids.append(kid)
    outer.K = Array(kids)


#: A marked-content sequence with an MCID, as WeasyPrint writes it (inline properties).
_MCID_BDC = re.compile(rb"/[A-Za-z0-9_.#-]+\s*<<\s*/MCID\s+(\d+)\s*>>\s*BDC")


def artifact_mcids(pdf: pikepdf.Pdf, mcids: Mapping[ObjGen, set[int]]) -> int:
    """Make the marked content ``mcids`` (page object id -> MCIDs) artifacts: their
    ``/Tag <</MCID n>> BDC`` becomes ``/Artifact BMC`` in the page's content, and
    their ParentTree slots are emptied. Returns how many sequences changed.

    The page's content streams are rewritten with a pattern rather than parsed:
    parsing every operator of a page costs about 40 ms in Python. Only inline
    property dictionaries are matched (WeasyPrint writes no others); hex strings, as
    WeasyPrint writes text, cannot hold the pattern."""
    tree = pdf.Root.get("/StructTreeRoot")
    entries = read_parent_tree(tree) if isinstance(tree, pikepdf.Dictionary) else {}
    changed = 0
    for page in pdf.pages:
        wanted = mcids.get(page.objgen)
        if not wanted:
            continue
        contents = page.obj.get("/Contents")
        streams = (list(contents) if isinstance(contents, pikepdf.Array)
                   else [contents] if isinstance(contents, pikepdf.Stream) else [])
        for stream in streams:
            hits: list[int] = []

            def replace(match: re.Match, wanted: set[int] = wanted,
                        hits: list[int] = hits) -> bytes:
                if int(match[1]) in wanted:
                    hits.append(int(match[1]))
                    return b"/Artifact BMC"
                return match[0]

            data = _MCID_BDC.sub(replace, stream.read_bytes())
            if hits:
                stream.write(data)
                changed += len(hits)
        entry = entries.get(int(page.obj.get("/StructParents", -1)))
        if isinstance(entry, pikepdf.Array):
            for mcid in wanted:
                if 0 <= mcid < len(entry):
                    entry[mcid] = None
    return changed


def reachable_elements(tree: pikepdf.Dictionary) -> set[ObjGen]:
    return {element.objgen for element, _ in walk_elements(tree) if element.is_indirect}


def unreachable_content(pdf: pikepdf.Pdf) -> tuple[dict[ObjGen, set[int]], int]:
    """Marked content whose ParentTree element the structure tree does not reach
    (page object id -> MCIDs), and how many annotations' elements it does not reach."""
    tree = pdf.Root.get("/StructTreeRoot")
    if not isinstance(tree, pikepdf.Dictionary):
        return {}, 0
    reachable = reachable_elements(tree)
    entries = read_parent_tree(tree)
    found: dict[ObjGen, set[int]] = {}
    for page in pdf.pages:
        entry = entries.pop(int(page.obj.get("/StructParents", -1)), None)
        if not isinstance(entry, pikepdf.Array):
            continue
        for mcid, element in enumerate(entry):
            if isinstance(element, pikepdf.Dictionary) and element.objgen not in reachable:
                found.setdefault(page.objgen, set()).add(mcid)
    annotations = sum(1 for element in entries.values()
                      if isinstance(element, pikepdf.Dictionary)
                      and element.objgen not in reachable)
    return found, annotations


def artifact_unreachable(pdf: pikepdf.Pdf) -> int:
    """Make tagged content that the structure tree does not reach an artifact (WeasyPrint
    tags running headers and footers under an orphan /NonStruct); returns how many."""
    found, _ = unreachable_content(pdf)
    return artifact_mcids(pdf, found) if found else 0


def rebuild_id_tree(pdf: pikepdf.Pdf) -> int:
    """Write the IDTree from the elements the tree reaches, and ParentTreeNextKey;
    returns how many IDs it holds."""
    tree = pdf.Root.get("/StructTreeRoot")
    if not isinstance(tree, pikepdf.Dictionary):
        return 0
    ids: dict[bytes, object] = {}
    for element, _ in walk_elements(tree):
        if isinstance(element.get("/ID"), pikepdf.String) and element.is_indirect:
            ids.setdefault(bytes(element.ID), element)
    if ids:
        tree.IDTree = flat_name_tree(pdf, ids)
    elif "/IDTree" in tree:
        del tree.IDTree
    keys = [key for key, _ in number_tree(tree.get("/ParentTree"))]
    tree.ParentTreeNextKey = max(int(tree.get("/ParentTreeNextKey", 0)),
                                 max(keys, default=-1) + 1)
    return len(ids)
