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
import re

import pikepdf
from pikepdf import Name

ObjGen = tuple[int, int]

#: Objects with an identity of their own: never merged, never entered.
_KEEP_TYPES = frozenset({"/Page", "/Pages", "/Annot", "/StructElem", "/StructTreeRoot",
                         "/OCG", "/OCMD", "/Catalog", "/OBJR", "/MCR"})


_DICTIONARY, _ARRAY, _STREAM = (pikepdf.ObjectType.dictionary, pikepdf.ObjectType.array,
                                 pikepdf.ObjectType.stream)
_CONTAINERS = frozenset({_DICTIONARY, _ARRAY, _STREAM})


def _kind(value):
    """The pikepdf type of a container (dictionary, array, stream), else None.

    Compared by type code: ``isinstance`` against pikepdf's helper classes costs several
    times more, and a pack's resources are tens of thousands of values.
    """
    if type(value) is not pikepdf.Object:
        return None  # int, Decimal, bool: pikepdf gives numbers as Python's own
    code = value._type_code
    return code if code in _CONTAINERS else None


def _keeps_identity(node, kind) -> bool:
    if kind == _ARRAY:
        return False
    marker = node.get("/Type")
    return marker is not None and str(marker) in _KEEP_TYPES


def _roots(pdf: pikepdf.Pdf) -> list:
    """Where shareable objects hang: page contents and resources, annotation appearances."""
    roots = []
    for page in pdf.pages:
        contents = page.obj.get("/Contents")
        if _kind(contents):
            roots.append(contents)
        resources = page.obj.get("/Resources")
        if _kind(resources):
            roots.append(resources)
        for annot in page.obj.get("/Annots", ()):
            if _kind(annot) == _DICTIONARY and _kind(annot.get("/AP")):
                roots.append(annot.AP)
    return roots


#: Objects inside objects followed at most this deep (Python's own stack is the limit).
_MAX_DEPTH = 200

#: In qpdf's unparsed text: a literal string (its parentheses escaped), a hex string, or a
#: reference. Strings are matched only so that what is inside them is left alone.
_TOKENS = re.compile(rb"\((?:\\.|[^\\()])*\)|<[0-9A-Fa-f]*>|(\d+) (\d+) R")


class _Sharer:
    """One walk from the roots: each reachable object's key (qpdf's text of it, with the
    objects it points to named by their stand-ins, so a font dictionary matches once its
    font file does), the first object with each key as the stand-in for the others, and
    what each object points to, so the references to copies can be pointed at stand-ins.
    """

    def __init__(self, pdf: pikepdf.Pdf) -> None:
        self.pdf = pdf
        self.objects: dict[ObjGen, object] = {}
        self.canonical: dict[ObjGen, ObjGen] = {}  # object -> the one standing for it
        self.by_key: dict[bytes, ObjGen] = {}
        self.in_progress: set[ObjGen] = set()
        self.points_to: dict[ObjGen, list[ObjGen]] = {}  # shareable objects it names
        self.tokens: dict[ObjGen, bytes] = {}  # how a reference to each object is written

    def key(self, node, kind) -> tuple[bytes, list[ObjGen]]:
        """What the container ``node`` is, with what it points to named by stand-ins."""
        text = node.stream_dict.unparse() if kind == _STREAM else node.unparse(resolved=True)
        named: list[ObjGen] = []

        def token(match: re.Match) -> bytes:
            if match.group(1) is None:
                return match.group(0)  # a string, as it is
            objgen = (int(match.group(1)), int(match.group(2)))
            known = self.tokens.get(objgen)
            if known is not None:
                if known[:1] == b"~":
                    named.append(objgen)
                return known
            target = self.pdf.get_object(objgen)
            inner = _kind(target)
            if inner is None:  # a number or name kept as an object of its own: its value
                value = target.unparse() if type(target) is pikepdf.Object else repr(target)
                found = b"=" + (value if isinstance(value, bytes) else value.encode())
            elif _keeps_identity(target, inner):
                found = b"@%d,%d" % objgen  # that very object
            else:
                named.append(objgen)
                shared = self.stand_in(target, inner)
                if objgen not in self.canonical:
                    return b"~%d,%d" % shared  # inside a cycle: not final, not kept
                found = b"~%d,%d" % shared
            self.tokens[objgen] = found
            return found

        text = _TOKENS.sub(token, text)
        if kind == _STREAM:
            text += b" stream " + hashlib.sha256(node.read_raw_bytes()).digest()
        return text, named

    def stand_in(self, node, kind) -> ObjGen:
        """The object ``node`` is shared with (itself, if it is the first of its kind)."""
        objgen = node.objgen
        if objgen in self.canonical:
            return self.canonical[objgen]
        if objgen in self.in_progress:
            return objgen  # a cycle: itself, unmerged
        self.objects[objgen] = node
        if len(self.in_progress) >= _MAX_DEPTH:  # nested deeper than any real file: kept
            self.canonical[objgen], self.points_to[objgen] = objgen, []
            return objgen
        self.in_progress.add(objgen)
        key, self.points_to[objgen] = self.key(node, kind)
        self.in_progress.discard(objgen)
        found = self.by_key.setdefault(kind.name.encode() + b" " + key, objgen)
        self.canonical[objgen] = found
        return found

    def rewrite(self, node) -> None:
        """Point the references in ``node`` (and its direct containers) at stand-ins."""
        stack = [node]
        while stack:
            current = stack.pop()
            kind = _kind(current)
            slots = range(len(current)) if kind == _ARRAY else list(current.keys())
            for slot in slots:
                value = current[slot]
                if _kind(value) is None:
                    continue
                if not value.is_indirect:
                    stack.append(value)
                    continue
                shared = self.canonical.get(value.objgen, value.objgen)
                if shared != value.objgen:
                    current[slot] = self.objects[shared]


def share_identical_resources(pdf: pikepdf.Pdf) -> int:
    """Point every reference to a copy of a font, image, form or other resource at one
    object; returns how many copies are no longer referenced (qpdf leaves them out of
    the saved file)."""
    sharer = _Sharer(pdf)
    roots = _roots(pdf)
    direct: list[tuple[object, list[ObjGen]]] = []
    for root in roots:
        kind = _kind(root)
        if not root.is_indirect:
            direct.append((root, sharer.key(root, kind)[1]))
        elif not _keeps_identity(root, kind):
            sharer.stand_in(root, kind)
    canonical = sharer.canonical
    merged = {objgen for objgen, shared in canonical.items() if objgen != shared}
    if not merged:
        return 0
    holders = [root for root, named in direct if merged.intersection(named)]
    holders += [sharer.objects[objgen] for objgen, named in sharer.points_to.items()
                if canonical[objgen] == objgen and merged.intersection(named)]
    for holder in holders:
        sharer.rewrite(holder)
    for page in pdf.pages:  # a page's one content stream is referenced by the page
        contents = page.obj.get("/Contents")
        if _kind(contents) == _STREAM and contents.is_indirect:
            shared = canonical.get(contents.objgen, contents.objgen)
            if shared != contents.objgen:
                page.obj.Contents = sharer.objects[shared]
            continue
        if _kind(contents) == _ARRAY:
            sharer.rewrite(contents)  # an array of content streams, direct or not
    return len(merged)


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
