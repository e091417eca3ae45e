"""Store identical fonts, images and forms once in a PDF assembled from many.

A meeting pack copies every paper's resources in, and every page of another author's
PDF is drawn in on its own (flattened on a copy of its own), so the same font file,
logo or form arrives many times: the pack grows with its pages rather than with what
is in it. :func:`share_identical_resources` finds the copies — same stream bytes, same
dictionary once the objects they point to are themselves shared — and points every
reference at one of them; the rest are not written when the PDF is saved.

Only page content streams and what page resources and annotation appearances hold are
shared (fonts and their descriptors and files, images, forms, graphics states, colour
spaces, patterns, shadings): objects that are nothing but their content. Pages,
annotations, structure elements and optional-content groups have an identity —
something points at *that* one — and are never merged, nor entered.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator

import pikepdf
from pikepdf import Name

ObjGen = tuple[int, int]

#: Objects with an identity of their own: never merged, never entered.
_KEEP_TYPES = frozenset({"/Page", "/Pages", "/Annot", "/StructElem", "/StructTreeRoot",
                         "/OCG", "/OCMD", "/Catalog", "/OBJR", "/MCR"})

#: Keys never followed: links back up the tree, and what names an identity.
_SKIP_KEYS = frozenset({"/Parent", "/P", "/Pg", "/Properties", "/OC"})


def _is_container(value) -> bool:
    return isinstance(value, pikepdf.Dictionary | pikepdf.Array | pikepdf.Stream)


def _slots(node) -> Iterator:
    if isinstance(node, pikepdf.Array):
        return iter(range(len(node)))
    return iter(list(node.keys()))


def _keeps_identity(node) -> bool:
    if isinstance(node, pikepdf.Array):
        return False
    kind = node.get("/Type")
    return isinstance(kind, pikepdf.Name) and str(kind) in _KEEP_TYPES


def _roots(pdf: pikepdf.Pdf) -> list:
    """Where shareable objects hang: page contents and resources, annotation appearances."""
    roots = []
    for page in pdf.pages:
        contents = page.obj.get("/Contents")
        if _is_container(contents):
            roots.append(contents)
        resources = page.obj.get("/Resources")
        if _is_container(resources):
            roots.append(resources)
        for annot in page.obj.get("/Annots", ()):
            if isinstance(annot, pikepdf.Dictionary) and _is_container(annot.get("/AP")):
                roots.append(annot.AP)
    return roots


class _Sharer:
    def __init__(self, pdf: pikepdf.Pdf) -> None:
        self.pdf = pdf
        self.candidates: dict[ObjGen, object] = {}
        self.canonical: dict[ObjGen, ObjGen] = {}  # object -> the one standing for it
        self.by_key: dict[tuple, ObjGen] = {}
        self.in_progress: set[ObjGen] = set()

    def collect(self, roots: list) -> None:
        """Every indirect object reachable from ``roots`` that may be shared."""
        stack = list(roots)
        seen: set[ObjGen] = set()
        while stack:
            node = stack.pop()
            if node.is_indirect:
                if node.objgen in seen:
                    continue
                seen.add(node.objgen)
            if _keeps_identity(node):
                continue
            if node.is_indirect:
                self.candidates[node.objgen] = node
            for slot in _slots(node):
                if slot in _SKIP_KEYS:
                    continue
                value = node[slot]
                if _is_container(value):
                    stack.append(value)

    def key(self, value, depth: int = 0) -> tuple:
        """What ``value`` is, with the objects it points to named by their stand-in."""
        if _is_container(value) and value.is_indirect and depth > 0:
            if value.objgen in self.candidates:
                return ("ref", self.stand_in(value))
            return ("obj", value.objgen)
        if depth > 64:
            return ("deep", value.objgen if _is_container(value) else repr(value))
        if isinstance(value, pikepdf.Stream):
            names = [k for k in list(value.keys()) if k != "/Length"]
            items = tuple(sorted((str(k), self.key(value[k], depth + 1)) for k in names))
            return ("stream", items, hashlib.sha256(value.read_raw_bytes()).digest())
        if isinstance(value, pikepdf.Dictionary):
            names = list(value.keys())
            return ("dict", tuple(sorted((str(k), self.key(value[k], depth + 1))
                                         for k in names)))
        if isinstance(value, pikepdf.Array):
            return ("array", tuple(self.key(v, depth + 1) for v in value))
        if isinstance(value, pikepdf.Object):  # names, strings, null
            return ("atom", value.unparse())
        return (type(value).__name__, repr(value))  # numbers and booleans, as pikepdf gives

    def stand_in(self, node) -> ObjGen:
        """The object ``node`` is shared with (itself, if it is the first of its kind)."""
        objgen = node.objgen
        if objgen in self.canonical:
            return self.canonical[objgen]
        if objgen in self.in_progress:
            return objgen  # a cycle: itself, unmerged
        self.in_progress.add(objgen)
        key = self.key(node)
        self.in_progress.discard(objgen)
        found = self.by_key.setdefault(key, objgen)
        self.canonical[objgen] = found
        return found

    def rewrite(self, roots: list) -> None:
        """Point every reference inside ``roots`` (and what they reach) at the stand-ins."""
        stack = list(roots)
        seen: set[ObjGen] = set()
        while stack:
            node = stack.pop()
            if node.is_indirect:
                if node.objgen in seen:
                    continue
                seen.add(node.objgen)
            if _keeps_identity(node):
                continue
            for slot in _slots(node):
                if slot in _SKIP_KEYS:
                    continue
                value = node[slot]
                if not _is_container(value):
                    continue
                if value.is_indirect:
                    shared = self.canonical.get(value.objgen, value.objgen)
                    if shared != value.objgen:
                        value = self.candidates[shared]
                        node[slot] = value
                stack.append(value)


def share_identical_resources(pdf: pikepdf.Pdf) -> int:
    """Point every reference to a copy of a font, image, form or other resource at one
    object; returns how many copies are no longer referenced (qpdf leaves them out of
    the saved file)."""
    sharer = _Sharer(pdf)
    roots = _roots(pdf)
    sharer.collect(roots)
    for node in list(sharer.candidates.values()):
        sharer.stand_in(node)
    merged = sum(1 for objgen, shared in sharer.canonical.items() if objgen != shared)
    if merged:
        sharer.rewrite(roots)
        for page in pdf.pages:  # a page's one content stream is referenced by the page
            contents = page.obj.get("/Contents")
            if isinstance(contents, pikepdf.Stream) and contents.is_indirect:
                shared = sharer.canonical.get(contents.objgen, contents.objgen)
                if shared != contents.objgen:
                    page.obj.Contents = sharer.candidates[shared]
    return merged


def embedded_font_files(pdf: pikepdf.Pdf) -> list[pikepdf.Stream]:
    """Every embedded font file stream (FontFile, FontFile2, FontFile3) a font names."""
    found: dict[ObjGen, pikepdf.Stream] = {}
    for obj in pdf.objects:
        if isinstance(obj, pikepdf.Dictionary) and obj.get("/Type") == Name.FontDescriptor:
            for key in ("/FontFile", "/FontFile2", "/FontFile3"):
                stream = obj.get(key)
                if isinstance(stream, pikepdf.Stream):
                    found[stream.objgen] = stream
    return list(found.values())
