"""Put a tagged PDF's pages in place of a frame's pages without losing their tags.

A plain page merge keeps the structure tree (the PDF/UA tags) of one document only:
every other part arrives untagged, and the whole fails the accessibility checks its
parts passed. A meeting pack (and a paper laid out in parts) is built instead from a
*frame* PDF made by WeasyPrint — one frame page per page, carrying the running header
and footer — and each tagged PDF is brought in with its structure:

- :func:`replace_with_tagged_pages` swaps the PDF's own tagged pages in for its frame
  pages, grafts its structure tree into the target's, and draws the frame page's
  header and footer over each page as an artifact;
- :func:`draw_over` draws one page over another as an artifact;
- :func:`graft_outline` brings the PDF's bookmarks along.

Untagged (other authors') PDFs are drawn in as figures by :mod:`reportgen.pdf.place`.

The frame pages keep their object identity (the paper's page dictionary is moved into
them), so everything in the frame that pointed at a frame page — agenda links, the
frame's bookmarks, named destinations — now leads to the paper's page.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Iterator, Mapping

import pikepdf
from pikepdf import Array, Dictionary, Name, String

from reportgen.pdf.structure import (
    ObjGen,
    after_earlier_pages,
    dest_key,
    explicit_destination,
    flat_name_tree,
    insert_kid,
    is_element,
    is_mcid,
    item_page,
    kids_of,
    link_target,
    name_tree,
    named_destinations,
    number_tree,
    page_number,
    read_parent_tree,
    standard_role,
    strip_mcids,
    structure_root,
    subtree_pages,
    walk_elements,
    write_parent_tree,
)

#: Page attributes a page may inherit from its /Pages ancestors (PDF 32000-1, 7.7.3.4);
#: a page copied on its own loses its /Parent, so these are written onto it.
_INHERITABLE = ("/Resources", "/MediaBox", "/CropBox", "/Rotate")


#: Set on the (discarded) copies of a source's pages once they are merged.
_USED = "/RgMerged"


def _copy(target: pikepdf.Pdf, obj):
    """Copy ``obj`` from another Pdf, direct containers included.

    ``copy_foreign`` refuses direct objects, but WeasyPrint writes some containers this
    module needs (``/Names``, ``/Dests``, action dictionaries) as direct objects.
    """
    if isinstance(obj, pikepdf.Object) and obj.is_indirect:
        return target.copy_foreign(obj)
    if isinstance(obj, pikepdf.Array):
        return Array([_copy(target, item) for item in obj])
    if isinstance(obj, pikepdf.Dictionary):
        return Dictionary({key: _copy(target, value) for key, value in obj.items()})
    return obj


def _inherited(page: pikepdf.Dictionary, key: str):
    """``key`` of ``page`` or of its nearest /Pages ancestor that has it."""
    node, depth = page, 0
    while isinstance(node, pikepdf.Dictionary) and depth < 64:
        if key in node:
            return node[key]
        node, depth = node.get("/Parent"), depth + 1
    return None


def _retarget(roots: Iterable, mapping: dict[ObjGen, pikepdf.Object]) -> None:
    """Point every reference to a key of ``mapping`` (by object id) at its value.

    Walks dictionaries and arrays reachable from ``roots`` but never enters a page
    (pages are where copying stops) nor a stream (content holds no references).
    """
    seen: set[ObjGen] = set()
    stack = [root for root in roots if isinstance(root, pikepdf.Dictionary | pikepdf.Array)]
    while stack:
        node = stack.pop()
        if node.is_indirect:
            if node.objgen in seen:
                continue
            seen.add(node.objgen)
        if isinstance(node, pikepdf.Dictionary):
            if node.get("/Type") == Name.Page:
                continue
            slots: Iterable = list(node.keys())
        else:
            slots = range(len(node))
        for slot in slots:
            value = node[slot]
            if not isinstance(value, pikepdf.Dictionary | pikepdf.Array):
                continue
            if value.is_indirect and value.objgen in mapping:
                node[slot] = mapping[value.objgen]
            else:
                stack.append(value)


class _Pruner:
    """One walk of the pack's structure tree that takes out what tagged the frame pages.

    Content items on the removed pages go; an element goes when it is left with no kids
    and either lost some or sat on a removed page itself (WeasyPrint writes an empty
    /Div for each frame page). The same walk finds where the paper goes — the position
    of the first element, in reading order, whose content lay wholly on the removed
    pages — and notes each element's pages and the IDs that remain, so the pack's tree
    (which grows with every paper) is walked once per paper, not once per question.
    """

    def __init__(self, removed: set[ObjGen], grafted: Grafted | None = None) -> None:
        self.removed = removed
        self.grafted = grafted if grafted is not None else {}
        self.anchor: tuple[pikepdf.Dictionary, int] | None = None
        self.pages: dict[ObjGen, set[ObjGen]] = {}
        self.ids: dict[bytes, pikepdf.Dictionary] = {}

    def visit(self, node, inherited: ObjGen | None = None,
              depth: int = 0) -> tuple[bool, set[ObjGen]]:
        """Prune ``node``'s subtree; (whether ``node`` stays, the pages it was on).

        Written for speed (each pikepdf access costs): a pack's tree holds tens of
        thousands of elements and is walked once per paper.
        """
        removed = self.removed
        grafted = self.grafted
        page_ref = node.get("/Pg")
        own = page_ref.objgen if isinstance(page_ref, pikepdf.Dictionary) else inherited
        pages = {own} if page_ref is not None and own else set()
        kids = node.get("/K")
        kids = (kids if isinstance(kids, pikepdf.Array)
                else [] if kids is None else [kids])
        kept, changed = [], False
        for kid in kids:
            if isinstance(kid, pikepdf.Dictionary):
                if "/S" in kid and depth < 200:
                    before = self.anchor
                    known = grafted.get(kid.objgen) if kid.is_indirect else None
                    if known is not None and not known[0] & removed:
                        # an earlier graft, wholly on other pages: not walked again
                        keep, page_set = True, known[0]
                        self.pages[kid.objgen] = page_set
                        self.ids.update(known[1])
                    else:
                        keep, page_set = self.visit(kid, own, depth + 1)
                    pages |= page_set
                    wholly = bool(page_set) and page_set <= removed
                    found_inside = before is None and self.anchor is not None
                    if before is None and (wholly or (found_inside and not keep)):
                        self.anchor = (node, len(kept))
                    drop = not keep
                else:
                    page = item_page(kid, own)
                    if page:
                        pages.add(page)
                    drop = page in removed
            elif is_mcid(kid):
                if own:
                    pages.add(own)
                drop = own in removed
            else:
                drop = False
            if drop:
                changed = True
            else:
                kept.append(kid)
        if changed:
            node.K = Array(kept)
        on_removed = isinstance(page_ref, pikepdf.Dictionary) and own in removed
        if on_removed and kept:
            del node.Pg  # its remaining content names its own pages
        keep = bool(kept) or not (changed or on_removed)
        if node.is_indirect:
            self.pages[node.objgen] = pages
        if keep:
            element_id = node.get("/ID")
            if isinstance(element_id, pikepdf.String):
                self.ids[bytes(element_id)] = node
        return keep, pages

    def pages_of(self, element, inherited: ObjGen | None = None) -> set[ObjGen]:
        if element.is_indirect and element.objgen in self.pages:
            return self.pages[element.objgen]
        return subtree_pages(element, inherited)


def _form_xobjects(resources, seen: set[ObjGen]) -> Iterator[pikepdf.Stream]:
    """Form XObjects reachable from ``resources``, each once."""
    xobjects = resources.get("/XObject") if isinstance(resources, pikepdf.Dictionary) else None
    if not isinstance(xobjects, pikepdf.Dictionary):
        return
    for xobject in xobjects.values():
        if (isinstance(xobject, pikepdf.Stream) and xobject.get("/Subtype") == Name.Form
                and xobject.objgen not in seen):
            seen.add(xobject.objgen)
            yield xobject
            yield from _form_xobjects(xobject.get("/Resources"), seen)


def _boxes_match(a: pikepdf.Page, b_box, b_rotate: int) -> bool:
    box = [float(v) for v in a.mediabox]
    return (int(_inherited(a.obj, "/Rotate") or 0) % 360 == b_rotate % 360
            and all(abs(x - float(y)) < 0.5 for x, y in zip(box, b_box, strict=True)))


def _unique_name(existing, stem: str) -> Name:
    names = set(existing.keys()) if isinstance(existing, pikepdf.Dictionary) else set()
    candidate, number = f"/{stem}", 0
    while candidate in names:
        number += 1
        candidate = f"/{stem}{number}"
    return Name(candidate)


def _own_resources(page: pikepdf.Page) -> pikepdf.Dictionary:
    """Give the page its own /Resources and /XObject dictionaries (shallow copies), so a
    resource added to one page does not appear on every page sharing them."""
    resources = page.obj.get("/Resources")
    page.obj.Resources = Dictionary(dict(resources.items())
                                    if isinstance(resources, pikepdf.Dictionary) else {})
    xobjects = page.obj.Resources.get("/XObject")
    page.obj.Resources.XObject = Dictionary(dict(xobjects.items())
                                            if isinstance(xobjects, pikepdf.Dictionary) else {})
    return page.obj.Resources


def _artifact_form(page: pikepdf.Page, same_geometry: bool) -> pikepdf.Stream:
    """``page``'s content as a Form XObject, its tagged content made artifacts."""
    form = page.as_form_xobject(handle_transformations=not same_geometry)
    # qpdf fills such a form from the page's content when the file is saved, and the
    # page may have other content by then: the form gets its own copy now.
    form.write(form.read_bytes())
    if same_geometry:
        form.BBox = Array([float(v) for v in page.mediabox])
    strip_mcids(form, Name.Artifact)
    return form


def draw_over(target: pikepdf.Pdf, index: int, page: pikepdf.Page) -> None:
    """Draw ``page``, of another PDF and the same size, over target page ``index`` as an
    artifact: a running header and footer over a page laid out without them."""
    _draw_artifact(target.pages[index], target.copy_foreign(_artifact_form(page, True)), True)


def _draw_artifact(page: pikepdf.Page, form: pikepdf.Stream, same_geometry: bool) -> None:
    """Draw the frame page's content over ``page``, as one /Artifact sequence."""
    resources = _own_resources(page)
    name = _unique_name(resources.XObject, "RgFrame")
    resources.XObject[name] = form
    if same_geometry:
        placement = b"q\n" + Name(name).unparse() + b" Do\nQ\n"
    else:
        box = [float(v) for v in page.cropbox]
        placement = page.calc_form_xobject_placement(
            form, Name(name), pikepdf.Rectangle(*box), allow_expand=True)
    page.contents_add(b"q\n", prepend=True)
    page.contents_add(b"Q\n/Artifact BMC\n" + placement + b"\nEMC\n")


def _merge_map(tree: pikepdf.Dictionary, source_tree: pikepdf.Dictionary,
               key: str) -> dict[str, Name]:
    """Merge ``source_tree[key]`` (/RoleMap or /ClassMap) into ``tree[key]``.

    A name the pack already maps differently is renamed for the source (``/Name_2``,
    or an existing ``/Name_n`` with the same value) and the renaming returned, so the
    grafted elements can be rewritten to match.
    """
    source_map = source_tree.get(key)
    if not isinstance(source_map, pikepdf.Dictionary) or len(source_map) == 0:
        return {}
    target_map = tree.get(key)
    if not isinstance(target_map, pikepdf.Dictionary):
        target_map = tree[key] = Dictionary()
    renames: dict[str, Name] = {}
    added: list[str] = []
    for name, value in source_map.items():
        if name not in target_map:
            target_map[name] = value
            added.append(name)
        elif target_map[name] != value:
            number = 2
            while f"{name}_{number}" in target_map or f"{name}_{number}" in source_map:
                if target_map.get(f"{name}_{number}") == value:
                    break  # the same source (or an equal one) merged before
                number += 1
            renames[name] = Name(f"{name}_{number}")
            if renames[name] not in target_map:
                target_map[renames[name]] = value
                added.append(str(renames[name]))
    if key == "/RoleMap":
        for name in added:
            value = target_map[name]
            if isinstance(value, pikepdf.Name) and str(value) in renames:
                target_map[name] = renames[str(value)]
    return renames


def _rename_classes(value, renames: Mapping[str, Name]):
    if isinstance(value, pikepdf.Name):
        return renames.get(str(value), value)
    if isinstance(value, pikepdf.Array):
        return Array([_rename_classes(item, renames) for item in value])
    return value


def _prefix_ids(elements: list[pikepdf.Dictionary], ids: set[bytes], prefix: bytes) -> None:
    """Prefix the source's element IDs, and the /Headers (TD → TH) that name them."""
    for element in elements:
        if "/ID" in element and bytes(element.ID) in ids:
            element.ID = String(prefix + bytes(element.ID))
        attributes = element.get("/A")
        candidates = (list(attributes) if isinstance(attributes, pikepdf.Array)
                      else [attributes])
        for attribute in candidates:
            if isinstance(attribute, pikepdf.Dictionary) and isinstance(
                    attribute.get("/Headers"), pikepdf.Array):
                attribute.Headers = Array([
                    String(prefix + bytes(h)) if isinstance(h, pikepdf.String)
                    and bytes(h) in ids else h for h in attribute.Headers])


def _unique_prefix(stem: str, taken: set[bytes], ids: set[bytes]) -> bytes:
    number = 0
    while True:
        prefix = f"{stem}{'-' + str(number) if number else ''}-".encode()
        if not any(prefix + i in taken for i in ids):
            return prefix
        number += 1


#: What earlier calls grafted into a target: element -> (its pages, the IDs inside it).
Grafted = dict[ObjGen, tuple[set[ObjGen], dict[bytes, pikepdf.Dictionary]]]


class Ledger:
    """A document's ParentTree, element IDs and named destinations, kept in memory
    while parts are appended to it one after another (a paper joined from parts).

    Without it every :func:`replace_with_tagged_pages` call reads these back from the
    target and writes them out again whole, so each part cost more than the one
    before it (0.17 s per part at the start of a 10,000-action tracker, 0.56 s by
    its fiftieth); with it each part costs its own size, and :meth:`write` stores
    them once, at the end.
    """

    def __init__(self, pdf: pikepdf.Pdf) -> None:
        tree = structure_root(pdf)
        self.entries = read_parent_tree(tree)
        self.next_key = max(max(self.entries, default=-1) + 1,
                            int(tree.get("/ParentTreeNextKey", 0)))
        self.ids: dict[bytes, pikepdf.Dictionary] = {
            bytes(element.ID): element for element, _ in walk_elements(tree)
            if isinstance(element.get("/ID"), pikepdf.String)}
        names = pdf.Root.get("/Names")
        self.dests: dict[bytes, object] = dict(name_tree(
            names.get("/Dests") if isinstance(names, pikepdf.Dictionary) else None))

    def write(self, pdf: pikepdf.Pdf) -> None:
        tree = structure_root(pdf)
        write_parent_tree(pdf, tree, self.entries, self.next_key)
        if self.ids:
            tree.IDTree = flat_name_tree(pdf, self.ids)
        elif "/IDTree" in tree:
            del tree.IDTree
        if self.dests:
            names = pdf.Root.get("/Names")
            if not isinstance(names, pikepdf.Dictionary):
                names = pdf.Root.Names = Dictionary()
            names.Dests = flat_name_tree(pdf, self.dests)


def _appended_at_end(tree: pikepdf.Dictionary) -> tuple[pikepdf.Dictionary, int] | None:
    """After the last kid of the tree's lone /Document: where the next part of a paper
    joined part by part goes (what the general search finds, without its walk)."""
    elements = [kid for kid in kids_of(tree) if is_element(kid)]
    if len(elements) == 1 and elements[0].get("/S") == Name.Document:
        return elements[0], len(kids_of(elements[0]))
    return None


def replace_with_tagged_pages(target: pikepdf.Pdf, start: int, source: pikepdf.Pdf,
                              grafted: Grafted | None = None, *,
                              placeholders: bool = False, ledger: Ledger | None = None
                              ) -> None:
    """Replace target pages [start, start+len(source.pages)) with source's pages, keeping
    source's structure: its StructTreeRoot kids are grafted (in order) into target's
    structure, placed at the position in reading order where the replaced frame pages'
    content was (or appended after the structure elements of earlier pages); the
    replaced frame pages' own content (their running header/footer/watermark) is drawn
    over each new page as a Form XObject wrapped in /Artifact BMC ... EMC; any target
    structure elements that referenced the removed frame pages are removed.

    Why this way:

    - The frame page *objects* stay (the paper's page dictionary is moved into them):
      the agenda's links, the frame's bookmarks and named destinations point at them.
    - Pages are copied before the structure, so qpdf's copier maps every /Pg (and each
      OBJR's annotation) onto the copies; those copies are then folded into the frame
      page objects by rewriting references in what was copied.
    - A paper's single /Document element becomes a /Part: one Document per pack.
    - ParentTree keys, RoleMap/ClassMap names, element IDs and named destinations are
      all per-document namespaces, so each is renumbered or renamed where it collides.
    - The frame's margin boxes carry MCIDs (WeasyPrint tags them as /Span under an
      orphan /NonStruct); inside the artifact they must not, so in the overlay they
      become ``/Artifact BMC`` sequences and their ParentTree entry goes.
    - The pack's structure tree is walked once per call (it grows with every paper:
      about 0.1–0.2 s per paper for a 100-page pack of table-heavy papers).

    - ``grafted``, kept by the caller across calls into one target, remembers what each
      call grafted, so the next call does not walk it again (a pack of many papers, or
      a long paper joined from many parts, stays linear).
    - ``placeholders=True``: the target pages are blank stand-ins the caller added for
      the source's pages (a paper joined from parts, which draws its running header
      and footer over the pages afterwards). Nothing points at them, so the copied
      pages simply take their places, which saves rewriting every reference in the
      copied structure (a third of the time), and nothing is drawn over them.
    - ``ledger`` (with ``placeholders``, pages appended at the end): the target's
      ParentTree, IDs and named destinations are kept there, not read and written
      here; the caller writes them once (:meth:`Ledger.write`).

    Annotations on the frame pages (if any) are dropped with the frame page; the paper's
    form fields (reportgen papers have none) are not merged into the pack's AcroForm.
    """
    count = len(source.pages)
    if count == 0:
        return
    if start < 0 or start + count > len(target.pages):
        raise IndexError(f"pages {start}..{start + count - 1} are not all in the target "
                         f"({len(target.pages)} pages)")
    source_tree = source.Root.get("/StructTreeRoot")
    if not isinstance(source_tree, pikepdf.Dictionary):
        raise ValueError("the source PDF is not tagged; draw it with place_external_page")

    frames = [target.pages[start + i] for i in range(count)]
    removed = {frame.objgen for frame in frames}
    tree = structure_root(target)
    if ledger is not None:
        entries, next_key = ledger.entries, ledger.next_key
    else:
        entries = read_parent_tree(tree)
        next_key = max(max(entries, default=-1) + 1, int(tree.get("/ParentTreeNextKey", 0)))

    # 1. Everything that tagged the frame pages goes; a marker holds the paper's place.
    marker = target.make_indirect(Dictionary(Type=Name.StructElem, S=Name.NonStruct,
                                             K=Array()))
    pruner = _Pruner(removed, grafted)
    # Blank stand-ins at the end carry no structure: nothing to prune, and the part
    # goes after the last one.
    anchor = (_appended_at_end(tree)
              if ledger is not None and placeholders and start + count == len(target.pages)
              else None)
    if anchor is None:
        pruner.visit(tree)
        anchor = pruner.anchor
    if anchor is None:
        index_of = {page.objgen: i for i, page in enumerate(target.pages)}
        anchor = after_earlier_pages(tree, index_of, start, removed, pruner.pages_of)
    insert_kid(anchor[0], anchor[1], marker)
    for frame in frames:
        entries.pop(int(frame.obj.get("/StructParents", -1)), None)
        for annot in frame.obj.get("/Annots", ()):
            if isinstance(annot, pikepdf.Dictionary):
                entries.pop(int(annot.get("/StructParent", -1)), None)

    # 2. The frame pages' content, kept for the overlay before the pages are overwritten.
    overlays = []
    if not placeholders:
        for frame, page in zip(frames, source.pages, strict=True):
            box = [float(v) for v in page.mediabox]
            same = _boxes_match(frame, box, int(_inherited(page.obj, "/Rotate") or 0))
            overlays.append((_artifact_form(frame, same), same))

    # 3. The pages, then everything that refers to them.
    copies = [target.copy_foreign(page.obj) for page in source.pages]
    if _USED in copies[0] or copies[0].objgen in {page.objgen for page in target.pages}:
        # qpdf hands back the first copies for a source merged before: merge a fresh
        # copy of it instead, or both places would share (and fight over) one graft.
        buffer = io.BytesIO()
        source.save(buffer)
        source = pikepdf.open(buffer)
        source_tree = source.Root.StructTreeRoot
        copies = [target.copy_foreign(page.obj) for page in source.pages]
    copied_tree = _copy(target, source_tree)
    source_named = named_destinations(source)
    copied_named = {key: _copy(target, value) for key, value in source_named.items()}
    for copy, page in zip(copies, source.pages, strict=True):
        for key in _INHERITABLE:
            if key not in copy and (value := _inherited(page.obj, key)) is not None:
                copy[key] = _copy(target, value)
    if not placeholders:
        for frame, copy in zip(frames, copies, strict=True):
            frame.obj.emplace(copy, retain=[Name.Parent])
            copy[_USED] = True  # on the discarded copy only, after its keys were moved
        mapping = {copy.objgen: frame.obj for copy, frame in zip(copies, frames, strict=True)}
        annots = [a for frame in frames for a in frame.obj.get("/Annots", ())]
        _retarget([copied_tree, *annots, *copied_named.values()], mapping)
    else:  # the copies take the stand-ins' places: what was copied already points at them
        for offset, copy in enumerate(copies):
            target.pages[start + offset] = pikepdf.Page(copy)
        frames = [target.pages[start + offset] for offset in range(count)]

    # 4. ParentTree keys: renumbered after the pack's, for pages, annotations and forms.
    source_entries = dict(number_tree(copied_tree.get("/ParentTree")))
    key_map: dict[int, int] = {}
    seen_forms: set[ObjGen] = set()
    for frame in frames:
        holders: list[tuple[pikepdf.Object, str]] = [(frame.obj, "/StructParents")]
        holders += [(a, "/StructParent") for a in frame.obj.get("/Annots", ())
                    if isinstance(a, pikepdf.Dictionary)]
        holders += [(f, "/StructParents")
                    for f in _form_xobjects(frame.obj.get("/Resources"), seen_forms)]
        for holder, key in holders:
            if key not in holder:
                continue
            old = int(holder[key])
            if old not in key_map:
                key_map[old] = next_key
                next_key += 1
                if old in source_entries:
                    entries[key_map[old]] = source_entries[old]
            holder[key] = key_map[old]
    if ledger is not None:
        ledger.next_key = next_key
    else:
        write_parent_tree(target, tree, entries, next_key)

    # 5. Role and class names, element IDs.
    role_renames = _merge_map(tree, copied_tree, "/RoleMap")
    class_renames = _merge_map(tree, copied_tree, "/ClassMap")
    grafted_kids = [kid for kid in kids_of(copied_tree) if is_element(kid)]
    source_elements = [element for element, _ in walk_elements(copied_tree)]
    with_ids = []
    for element in source_elements:
        if str(element.S) in role_renames:
            element.S = role_renames[str(element.S)]
        if "/C" in element and class_renames:
            element.C = _rename_classes(element.C, class_renames)
        if isinstance(element.get("/ID"), pikepdf.String):
            with_ids.append(element)
    taken = (set(ledger.ids) if ledger is not None
             else set(pruner.ids) | {key for key, _ in name_tree(tree.get("/IDTree"))})
    ids = {bytes(e.ID) for e in with_ids}
    ids |= {key for key, _ in name_tree(copied_tree.get("/IDTree"))}
    if ids & taken:
        _prefix_ids(source_elements, ids, _unique_prefix(f"p{start + 1}", taken, ids))

    # 6. Graft: the paper's Document becomes a Part, with its language and title.
    role_map = tree.get("/RoleMap")
    if len(grafted_kids) == 1 and standard_role(grafted_kids[0], role_map) == Name.Document:
        grafted_kids[0].S = Name.Part
        title = source.docinfo.get("/Title")
        if title is not None and "/T" not in grafted_kids[0]:
            grafted_kids[0].T = String(str(title))
    source_lang, target_lang = source.Root.get("/Lang"), target.Root.get("/Lang")
    if source_lang is not None and str(source_lang) != str(target_lang or ""):
        for element in grafted_kids:
            if "/Lang" not in element:
                element.Lang = String(str(source_lang))
    parent = marker.P
    kids = parent.K
    position = next(i for i, kid in enumerate(kids)
                    if isinstance(kid, pikepdf.Dictionary) and kid.is_indirect
                    and kid.objgen == marker.objgen)
    parent.K = Array([*list(kids)[:position], *grafted_kids, *list(kids)[position + 1:]])
    for element in grafted_kids:
        element.P = parent
    new_ids = {bytes(e.ID): e for e in with_ids}
    if grafted is not None:
        pages = {frame.objgen for frame in frames}
        for element in grafted_kids:
            inside = new_ids if len(grafted_kids) == 1 else {
                bytes(e.ID): e for e, _ in walk_elements(element)
                if isinstance(e.get("/ID"), pikepdf.String)}
            grafted[element.objgen] = (pages, inside)
    if ledger is not None:
        ledger.ids.update(new_ids)
    else:
        all_ids = {**pruner.ids, **new_ids}
        if all_ids:
            tree.IDTree = flat_name_tree(target, all_ids)
        elif "/IDTree" in tree:
            del tree.IDTree

    # 7. Named destinations (renamed on collision) and the links that use them.
    renamed = _merge_named_destinations(target, copied_named, f"p{start + 1}",
                                        None if ledger is None else ledger.dests)
    source_pages = {page.objgen: i for i, page in enumerate(source.pages)}
    for frame, page in zip(frames, source.pages, strict=True):
        pairs = zip(page.obj.get("/Annots", ()), frame.obj.get("/Annots", ()), strict=False)
        for original, annot in pairs:
            if isinstance(annot, pikepdf.Dictionary) and annot.get("/Subtype") == Name.Link:
                _fix_link(annot, link_target(original), renamed, source_pages, frames)

    # 8. The frame's header and footer over each new page, as an artifact.
    for frame, (form, same) in zip(frames, overlays, strict=not placeholders):
        _draw_artifact(frame, form, same)


def _merge_named_destinations(target: pikepdf.Pdf, copied: Mapping[tuple[str, bytes], object],
                              stem: str, kept: dict[bytes, object] | None = None
                              ) -> dict[tuple[str, bytes], bytes]:
    """Add the source's named destinations to the target's /Names /Dests tree (or to
    ``kept``, a :class:`Ledger`'s, which is written later).

    Returns each source name's name in the target (prefixed only where the target
    already used it, as ``p<first page>-name``): two papers may both have a "summary".
    """
    if not copied:
        return {}
    names = target.Root.get("/Names")
    if not isinstance(names, pikepdf.Dictionary):
        names = target.Root.Names = Dictionary()
    existing = kept if kept is not None else dict(name_tree(names.get("/Dests")))
    legacy = target.Root.get("/Dests")
    taken = set(existing)
    if isinstance(legacy, pikepdf.Dictionary):
        taken |= {key[1:].encode() for key in legacy}
    renamed: dict[tuple[str, bytes], bytes] = {}
    for key in sorted(copied):
        name, number = key[1], 0
        while name in taken:
            number += 1
            name = f"{stem}{'' if number == 1 else f'.{number}'}-".encode() + key[1]
        taken.add(name)
        existing[name] = copied[key]
        renamed[key] = name
    if kept is None:
        names.Dests = flat_name_tree(target, existing)
    return renamed


def _fix_link(annot: pikepdf.Dictionary, original, renamed: Mapping[tuple[str, bytes], bytes],
              source_pages: Mapping[ObjGen, int], frames: list[pikepdf.Page]) -> None:
    """Point a copied link at the renamed destination or at the replaced page."""
    action = annot.get("/A")
    is_action = "/Dest" not in annot and isinstance(action, pikepdf.Dictionary)
    key = dest_key(original)
    if key is not None and key in renamed:
        new = String(renamed[key])
    elif isinstance(original, pikepdf.Array) and len(original) > 0:
        number = page_number(original[0], source_pages, len(frames))
        if number is None:
            return
        new = Array([frames[number].obj, *list(original)[1:]])
    else:
        return
    if is_action:
        action.D = new
    else:
        annot.Dest = new


def graft_outline(target: pikepdf.Pdf, source: pikepdf.Pdf, first_page: int,
                  parent: pikepdf.OutlineItem,
                  placements: Mapping[int, pikepdf.Matrix] | None = None) -> None:
    """Copy source's bookmarks under `parent`, destinations shifted to target pages
    starting at first_page (source page i -> target page first_page + i). Handles
    destinations as explicit arrays, named destinations, and /A GoTo actions.

    Why: the pack's outline is what a reader navigates a 200-page pack by, and a
    paper's own headings are its best bookmarks. Destinations become explicit arrays
    (so they do not depend on names that may have been prefixed in the pack) and keep
    their view (/XYZ left top zoom), which is right for pages brought in by
    :func:`replace_with_tagged_pages` (same page, same coordinates). Titles, nesting,
    open/closed state, colour and style are kept; a bookmark whose destination cannot be
    resolved keeps its title (and children) without a destination; URI and other
    non-GoTo actions are copied. Call inside ``with target.open_outline() as outline``.

    ``placements`` (source page index -> matrix) is for pages drawn in by
    :func:`reportgen.pdf.place.place_external_page`, shrunk, moved and perhaps turned
    into the frame page: a destination on such a page has its position taken through
    the same matrix (:func:`placed_view`), so the bookmark lands on its heading.
    """
    pages = {page.objgen: i for i, page in enumerate(source.pages)}
    named = named_destinations(source)
    count = len(source.pages)

    def convert(item: pikepdf.OutlineItem) -> pikepdf.OutlineItem:
        new = pikepdf.OutlineItem(item.title)
        destination = item.destination
        action = item.action
        if destination is None and isinstance(action, pikepdf.Dictionary) \
                and action.get("/S") == Name.GoTo:
            destination = action.get("/D")
        explicit = explicit_destination(destination, named) if destination is not None else None
        number = page_number(explicit[0], pages, count) if explicit is not None else None
        if number is not None and first_page + number < len(target.pages):
            view = [_copy(target, v) for v in list(explicit)[1:]]
            if placements is not None and number in placements:
                view = placed_view(view, placements[number], source.pages[number])
            new.destination = Array([target.pages[first_page + number].obj, *view])
        elif isinstance(action, pikepdf.Dictionary) and action.get("/S") != Name.GoTo:
            new.action = _copy(target, action)
        new.is_closed = item.is_closed
        new.color = item.color
        new.flags = item.flags
        new.children.extend(convert(child) for child in item.children)
        return new

    parent.children.extend(convert(item) for item in source.open_outline().root)


def _number(value) -> float | None:
    if isinstance(value, bool) or value is None:
        return None
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


def placed_view(view: list, matrix: pikepdf.Matrix, page: pikepdf.Page) -> list:
    """A destination's view (what follows its page: ``/XYZ left top zoom``, ``/FitH
    top``, ``/FitR l b r t``, ...) moved onto the frame page a source page was drawn into.

    Positions go through the placement ``matrix``. A null coordinate (keep the reader's
    current one) stays null while the placement only scales and moves, and otherwise
    stands for the page's edge. ``/FitH`` and ``/FitV`` name a line; once the page is
    turned that line runs the other way, so the view becomes ``/XYZ`` at the line's
    placed top-left. The zoom is kept; ``/Fit`` and ``/FitB`` need nothing; a ``/FitR``
    without its four numbers becomes ``/Fit``.
    """
    if not view or not isinstance(view[0], pikepdf.Name):
        return view
    kind, args = str(view[0]), [_number(v) for v in view[1:]]
    box = [float(v) for v in page.cropbox]
    left_edge, bottom_edge, right_edge, top_edge = box
    turned = abs(matrix.b) > 1e-9 or abs(matrix.c) > 1e-9

    def point(x: float | None, y: float | None) -> tuple[float, float]:
        return matrix.transform((left_edge if x is None else x, top_edge if y is None else y))

    def line_view(start: tuple[float, float], end: tuple[float, float]) -> list:
        (x1, y1), (x2, y2) = matrix.transform(start), matrix.transform(end)
        return [Name.XYZ, min(x1, x2), max(y1, y2), None]

    if kind == "/XYZ":
        left, top = [*args, None, None][:2]
        zoom = view[3] if len(view) > 3 else None
        x, y = point(left, top)
        return [Name.XYZ, None if left is None and not turned else x,
                None if top is None and not turned else y, zoom]
    if kind in ("/FitH", "/FitBH"):
        top = args[0] if args else None
        if turned:
            return line_view((left_edge, top_edge if top is None else top),
                             (right_edge, top_edge if top is None else top))
        return [view[0], None if top is None else point(None, top)[1]]
    if kind in ("/FitV", "/FitBV"):
        left = args[0] if args else None
        if turned:
            return line_view((left_edge if left is None else left, top_edge),
                             (left_edge if left is None else left, bottom_edge))
        return [view[0], None if left is None else point(left, None)[0]]
    if kind == "/FitR" and len(args) >= 4 and None not in args[:4]:
        corners = [matrix.transform((x, y)) for x in (args[0], args[2])
                   for y in (args[1], args[3])]
        xs, ys = [c[0] for c in corners], [c[1] for c in corners]
        return [Name.FitR, min(xs), min(ys), max(xs), max(ys)]
    if kind == "/FitR":
        return [Name.Fit]  # a rectangle without its four numbers: the whole page
    return view
