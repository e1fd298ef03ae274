"""Recognising the fields of a plain PDF invoice from its lines of text (domain §4.4), whether
they come from the text layer or from OCR.

Precision before recall: a value is proposed only when a label announces it at the start of a
run (never inside a sentence), the value stands where labels put theirs (right of the label, in
the next cell, or below it in its column) and has the field's shape in full (an amount with its
cents, a date, an identifier passing its checksum). Each candidate gets a confidence from its
label's wording and its position; the cross-checks then confirm or veto: HT + TVA = TTC, the VAT
total is the sum of its breakdown by rate when one is printed, net à payer ≤ TTC, the supplier is
not the recipient, two different values for one field lower both.
Fields under `THRESHOLD` are not pre-filled: they are returned in `to_check`, with what was read.

Every line is visited once per field and a label's value is looked for in the few lines after
it, reached by index: the reading is linear in the length of the document.
"""

import re
from dataclasses import dataclass, field, replace
from decimal import Decimal

from einvoice.recognition import labels, values

THRESHOLD = 0.7
OCR_FACTOR = 0.9  # OCR misreads a character now and then: what it reads is less sure
POSITION = {"right": 1.0, "next": 1.0, "below": 0.92, "title": 0.9}
BELOW_LINES, BELOW_POINTS = 12, 130
HEADER_FIELDS = ("invoice_number", "issue_date", "due_date", "engagement_number", "service_code")
AMOUNT_FIELDS = ("total_ht", "total_vat", "total_ttc", "amount_due")
CONFIRMED = 0.97


@dataclass
class Candidate:
    value: object
    source: str
    confidence: float
    order: int  # the line's index: earlier lines first for the header, later ones for totals
    rate: Decimal | None = None  # a VAT amount's rate when its label gives one (« TVA 20 % »)
    vetoed: bool = False  # a cross-check found it incoherent: it confirms nothing


@dataclass
class Recognition:
    fields: dict = field(default_factory=dict)
    sources: dict = field(default_factory=dict)
    confidence: dict = field(default_factory=dict)
    # Read but not sure enough to pre-fill: {field: {"value": text, "source": text}}.
    to_check: dict = field(default_factory=dict)
    # The recipient's name and postcode under « Destinataire », when no identifier is printed:
    # enough for the annuaire to propose a structure, which the user confirms.
    recipient_hint: dict = field(default_factory=dict)


def _parse(name: str, cell: str, norm: str):
    if name in AMOUNT_FIELDS:
        return values.amount(cell)
    if name in ("issue_date", "due_date"):
        return values.date(norm)
    if name in ("invoice_number", "engagement_number"):
        return values.reference(cell, norm)
    if name == "service_code":
        return values.code(cell)
    if name == "iban":
        found = values.ibans(cell)
        return found[0] if len(found) == 1 else None
    return values.bic(cell)


def _cell(text: str) -> str:
    return labels.SEPARATORS.split(text, maxsplit=1)[0]


def _starts_label(segment) -> bool:
    if segment.label is None:
        segment.label = labels.ANY_LABEL.match(segment.norm.strip()) is not None
    return segment.label


def _overlaps(segment, column) -> bool:
    return not (segment.right < column.left - 2 or segment.left > column.right + 2)


def _below(lines, line, column, name):
    """The value under a column header: the first run below that overlaps the header and reads
    as the field; a « total » row further down is preferred (tables end with their totals)."""
    first, listed = None, False
    for following in lines[line.index + 1 : line.index + 1 + BELOW_LINES]:
        if following.page != line.page or line.top - following.top > BELOW_POINTS:
            break
        for segment in following.segments:
            if not _overlaps(segment, column):
                continue
            if _starts_label(segment):
                return (None, None) if listed else first or (None, None)  # another header
            value = _parse(name, _cell(segment.text), _cell(segment.norm))
            if value is None:
                continue
            if following.norm.lstrip().startswith("total"):
                return value, following
            if first is None:
                first = (value, following)
            elif following.index != first[1].index:
                # A column of several amounts lists the lines: its first one is no total.
                listed = name in AMOUNT_FIELDS
        if first is not None and following.index > first[1].index + 5:
            break
    return (None, None) if listed else first or (None, None)


def _join_wrapped_headers(lines):
    """« Date de / facturation », « Code / service »: column headers wrapped in their cells are
    joined back, so that the label is whole. A row is a header's wrapping when each of its runs
    lies under one run of the row above, close to it, with no digit in it."""
    joined = []
    for line in lines:
        above = joined[-1] if joined else None
        if (
            above is not None
            and above.page == line.page
            and len(above.segments) >= 2
            and above.top - line.top < 14
            and not any(char.isdigit() for char in line.text)
        ):
            hosts = [[s for s in above.segments if _overlaps(s, segment)] for segment in line.segments]
            if all(len(host) == 1 for host in hosts):
                # New runs and line: the caller's lines stay as they were read.
                wrapped = {id(host): segment for segment, (host,) in zip(line.segments, hosts, strict=True)}
                segments = [
                    replace(
                        host,
                        text=f"{host.text} {wrapped[id(host)].text}",
                        norm=f"{host.norm} {wrapped[id(host)].norm}",
                        label=None,
                    )
                    if id(host) in wrapped
                    else host
                    for host in above.segments
                ]
                joined[-1] = replace(
                    above,
                    segments=segments,
                    text=" ".join(s.text for s in segments),
                    norm=" ".join(s.norm for s in segments),
                )
                continue
        joined.append(line)
    return joined


def _label_candidates(lines, name: str) -> list[Candidate]:
    pattern, weights = labels.COMPILED[name]
    found = []
    for line in lines:
        for position, segment in enumerate(line.segments):
            for match in pattern.finditer(segment.norm):
                if not labels.SEPARATOR.search(segment.norm[: match.start()]):
                    continue  # inside a sentence
                weight = weights[int(match.lastgroup[1:])]
                cell = _cell(segment.text[match.end() :])
                source, where = line.text, "right"
                if not values.is_empty(cell):
                    value = _parse(name, cell, _cell(segment.norm[match.end() :]))
                elif position + 1 < len(line.segments) and not _starts_label(line.segments[position + 1]):
                    following = line.segments[position + 1]
                    value, where = _parse(name, _cell(following.text), _cell(following.norm)), "next"
                else:
                    value, below = _below(lines, line, segment, name)
                    where = "below"
                    if below is not None:
                        source = f"{line.text} … {below.text}"
                if value is not None:
                    rate = values.rate(segment.norm[match.end() :]) if name == "total_vat" else None
                    found.append(Candidate(value, source[:200], weight * POSITION[where], line.index, rate))
    return found


def _title_candidates(lines) -> tuple[list, list, str | None]:
    """« Facture F-2024-118 », « AVOIR AV-77 », « Facture n°562044387 du 02 Juillet 2015 »: the
    number (and date) in the title line; and the kind of document the title says."""
    numbers, dates, kind = [], [], None
    first_page = lines[0].page if lines else 0
    for line in lines:
        if line.page != first_page:
            break
        for segment in line.segments:
            match = labels.TITLE.match(segment.norm.strip())
            if not match:
                continue
            offset = len(segment.norm) - len(segment.norm.lstrip())
            if kind is None or (kind == "FACTURE" and match.group(2)):
                kind = "AVOIR" if match.group(2) else "FACTURE"
            if match.group(3):
                start, end = match.span(3)
                number = values.reference(segment.text[offset + start : offset + end], match.group(3))
                if number:
                    numbers.append(
                        Candidate(number, line.text[:200], labels.SURE * POSITION["title"], line.index)
                    )
            if match.group(4):
                day = values.date(match.group(4))
                if day:
                    dates.append(Candidate(day, line.text[:200], labels.PLAIN, line.index))
    return numbers, dates, kind


def _identifier_candidates(lines) -> dict[str, list[Candidate]]:
    """SIRET, SIREN and VAT numbers wherever they stand, each given to the recipient when a
    client word labels it, to the supplier when only an identifier label does."""
    found = {key: [] for key in ("recipient_identifier", "supplier_identifier", "supplier_vat_number")}
    for line in lines:
        start = 0
        for piece in [*labels.IDENTIFIER_SEPARATORS.finditer(line.norm), None]:
            end = piece.start() if piece else len(line.norm)
            text, norm = line.text[start:end], line.norm[start:end]
            start = piece.end() if piece else end
            if not labels.IDENTIFIER_LABELS.search(norm):
                continue
            following = lines[line.index + 1] if line.index + 1 < len(lines) else None
            if piece is None and _continues(line, following) and not re.search(r"\d{5}", text):
                text = f"{text} {following.text}"  # the label ends its line, the number wraps
            recipient = labels.RECIPIENT_WORDS.search(norm) is not None
            sirets, sirens, vats = values.sirets(text), values.sirens(text), values.vat_numbers(text)
            source = line.text[:200]
            if recipient:
                for number in sirets + sirens:
                    found["recipient_identifier"].append(Candidate(number, source, labels.SURE, line.index))
                for number in vats:
                    if number.startswith("FR"):
                        found["recipient_identifier"].append(
                            Candidate(number[4:], source, labels.PLAIN, line.index)
                        )
                continue
            for number in sirets:
                found["supplier_identifier"].append(Candidate(number, source, labels.SURE, line.index))
            if re.search(r"siren|r\.?[cs]\.?[cs]\b", norm):
                for number in sirens:
                    found["supplier_identifier"].append(Candidate(number, source, labels.PLAIN, line.index))
            for number in vats:
                found["supplier_vat_number"].append(Candidate(number, source, labels.SURE, line.index))
    return found


def _agree(one, other) -> bool:
    """The same value, or a SIRET and its SIREN."""
    if isinstance(one, str) and isinstance(other, str) and one.isdigit() and other.isdigit():
        return one[:9] == other[:9]
    return one == other


def _continues(line, following) -> bool:
    """The next line is the same paragraph wrapped (a table row has several runs: it is not)."""
    return (
        following is not None
        and len(line.segments) == len(following.segments) == 1
        and following.page == line.page
        and line.top - following.top < 20
        and abs(following.segments[0].left - line.segments[0].left) < 5
    )


def _recipient_hint(lines) -> dict:
    """The name (the first line) and postcode (a « 38000 Grenoble » line) of the block under a
    recipient label, in the label's column."""
    for line in lines:
        for segment in line.segments:
            if not labels.RECIPIENT_BLOCK.match(segment.norm.strip()):
                continue
            block = [
                candidate
                for following in lines[line.index + 1 : line.index + 7]
                if following.page == line.page and line.top - following.top < 90
                for candidate in following.segments
                if abs(candidate.left - segment.left) < 5
            ]
            postcodes = [m for m in (labels.POSTCODE.match(c.text.strip()) for c in block) if m]
            if block and postcodes:
                return {"name": block[0].text.strip()[:200], "postcode": postcodes[0].group(1)}
    return {}


def _best(candidates: list[Candidate], *, last: bool = False) -> Candidate | None:
    """The most confident candidate; a different value nearly as confident makes it doubtful."""
    if not candidates:
        return None
    ranked = sorted(candidates, key=lambda c: (-c.confidence, -c.order if last else c.order))
    best = ranked[0]
    rivals = [
        c for c in ranked[1:] if not _agree(c.value, best.value) and c.confidence >= best.confidence - 0.1
    ]
    if rivals:
        return Candidate(best.value, best.source, best.confidence * 0.7, best.order)
    return best


def _veto(candidates: list[Candidate]) -> list[Candidate]:
    return [replace(c, confidence=c.confidence * 0.6, vetoed=True) for c in candidates]


def _vat_total(candidates: list[Candidate]) -> list[Candidate]:
    """The VAT total's candidates once its breakdown is checked. With two rates or more printed
    (« TVA 20 % », « TVA 5,5 % »), each line is a part, not the total: their sum is a candidate,
    and a printed total that is not that sum makes the whole set incoherent (vetoed)."""
    by_rate: dict[Decimal, list[Candidate]] = {}
    for candidate in candidates:
        if candidate.rate is not None:
            by_rate.setdefault(candidate.rate, []).append(candidate)
    if len(by_rate) < 2:
        return candidates
    totals = [c for c in candidates if c.rate is None]
    if any(len({c.value for c in group}) > 1 for group in by_rate.values()):
        return _veto(totals)  # one rate read with two amounts: the breakdown is not known
    parts = [group[0] for group in by_rate.values()]
    summed = Candidate(
        sum(c.value for c in parts),
        " + ".join(c.source for c in parts)[:200],
        min(c.confidence for c in parts),
        max(c.order for c in parts),
    )
    if any(c.value != summed.value for c in totals):
        return _veto([*totals, summed])
    return [*totals, summed]


def _totals(found: dict[str, list[Candidate]]) -> dict[str, Candidate]:
    """HT + TVA = TTC confirms a trio; a set that does not add up is doubtful as a whole."""
    found = {**found, "total_vat": _vat_total(found["total_vat"])}
    trios = [
        (ht, vat, ttc)
        for ht in found["total_ht"]
        for vat in found["total_vat"]
        for ttc in found["total_ttc"] + found["amount_due"]
        if ht.value + vat.value == ttc.value and ht.value > 0 and not vat.vetoed
    ]
    chosen = {}
    if trios:
        # A printed TTC confirms better than an amount due equal to it.
        trio = max(
            trios,
            key=lambda t: (t[2] in found["total_ttc"], sum(c.confidence for c in t), max(c.order for c in t)),
        )
        for name, candidate in zip(("total_ht", "total_vat", "total_ttc"), trio, strict=True):
            if name == "total_ttc" and candidate not in found["total_ttc"]:
                best = _best(found["total_ttc"], last=True)
                if best is not None:
                    chosen[name] = best
                continue  # the amount due confirmed HT and TVA: it is not the TTC's label
            chosen[name] = Candidate(
                candidate.value, candidate.source, max(candidate.confidence, CONFIRMED), candidate.order
            )
    else:
        for name in ("total_ht", "total_vat", "total_ttc"):
            best = _best(found[name], last=True)
            if best is not None:
                chosen[name] = best
        ht, vat, ttc = (chosen.get(name) for name in ("total_ht", "total_vat", "total_ttc"))
        incoherent = (ht and vat and ttc) or (ht and ttc and ttc.value < ht.value)
        if incoherent:
            for name in ("total_ht", "total_vat", "total_ttc"):
                if name in chosen:
                    chosen[name].confidence *= 0.6
    due = _best(found["amount_due"], last=True)
    ttc = chosen.get("total_ttc")
    if due is not None and ttc is not None:
        if due.value == ttc.value:
            due.confidence = max(due.confidence, ttc.confidence)
        elif not Decimal(0) <= due.value < ttc.value:
            due.confidence *= 0.6  # more to pay than the invoice's total, or negative
    if due is not None:
        chosen["amount_due"] = due
    return chosen


def recognise(lines, *, ocr: bool = False) -> Recognition:
    """Fields of a plain PDF invoice. `lines` are pdf.Line objects, indexed in reading order."""
    lines = _join_wrapped_headers(lines)
    for index, line in enumerate(lines):
        line.index = index
    chosen: dict[str, Candidate] = {}
    numbers, title_dates, kind = _title_candidates(lines)
    chosen_number = _best(_label_candidates(lines, "invoice_number") + numbers)
    if chosen_number is not None:
        chosen["invoice_number"] = chosen_number
    for name in HEADER_FIELDS[1:]:
        candidates = _label_candidates(lines, name) + (title_dates if name == "issue_date" else [])
        best = _best(candidates)
        if best is not None:
            chosen[name] = best
    chosen.update(_totals({name: _label_candidates(lines, name) for name in AMOUNT_FIELDS}))
    for name in ("iban", "bic"):
        best = _best(_label_candidates(lines, name), last=True)
        if best is not None:
            chosen[name] = best

    identifiers = _identifier_candidates(lines)
    recipient = _best(identifiers["recipient_identifier"])
    if recipient is not None:
        chosen["recipient_identifier"] = recipient
    hint = {} if recipient else _recipient_hint(lines)
    own = {recipient.value, recipient.value[:9]} if recipient else set()
    supplier = _best([c for c in identifiers["supplier_identifier"] if c.value[:9] not in own])
    vat = _best([c for c in identifiers["supplier_vat_number"] if c.value[4:] not in own])
    if supplier is not None:
        chosen["supplier_identifier"] = supplier
    if vat is not None:
        chosen["supplier_vat_number"] = vat
    if supplier and vat and vat.value.startswith("FR") and vat.value[4:] != supplier.value[:9]:
        supplier.confidence *= 0.6  # the supplier's SIRET and its VAT number must share a SIREN
        vat.confidence *= 0.6

    out = Recognition(recipient_hint=hint)
    factor = OCR_FACTOR if ocr else 1.0
    for name, candidate in chosen.items():
        confidence = round(candidate.confidence * factor, 3)
        if confidence >= THRESHOLD:
            out.fields[name] = candidate.value
            out.sources[name] = candidate.source
            out.confidence[name] = confidence
        else:
            out.to_check[name] = {"value": str(candidate.value), "source": candidate.source}
    if kind is not None:
        out.fields["document_type"] = kind
    everything = " ".join(line.norm for line in lines)
    if "€" in everything or re.search(r"\beur\b|\beuros?\b", everything):
        out.fields["currency"] = "EUR"
    return out
