"""Turn an export file (CSV or workbook) into a table of text cells.

Everything here is about the *shape* of real exports: encodings, delimiters, title lines
above the header, totals lines below the data, several sheets, duplicate header names.
Values stay text; ``parse.py`` gives them types. Row numbers are kept as the file shows
them (1-based, the header row included) so a rejected row can be found in Excel.
"""
from __future__ import annotations

import csv
import datetime as dt
import io
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import pandas as pd

from .errors import ImportRefused

HEADER_SCAN_ROWS = 30  # title blocks in report exports are a handful of lines
DELIMITERS = (",", ";", "\t", "|")
EXCEL_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".xlsb", ".ods")
_TOTALS = re.compile(r"^\s*(grand\s+)?(sub)?totals?\b", re.IGNORECASE)
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # legacy .xls and encrypted .xlsx


@dataclass(frozen=True)
class Limits:
    """What one file may hold (settings [import]); beyond them the file is refused with
    its size named, before it can fill the memory."""
    max_bytes: int = 250 * 2**20
    max_rows: int = 5_000_000
    max_unzipped_bytes: int = 1000 * 2**20   # a workbook's XML, inflated (4 x max_bytes)

    @classmethod
    def from_settings(cls, settings: dict) -> "Limits":
        mb = int(settings["import"].get("max_file_mb", 250))
        return cls(mb * 2**20, int(settings["import"].get("max_rows", 5_000_000)),
                   4 * mb * 2**20)


def _too_big(name: str, size: int, limits: Limits) -> ImportRefused:
    return ImportRefused(
        f"{name}: the file is {size / 2**20:,.0f} MB, over the {limits.max_bytes // 2**20:,}"
        " MB limit; export a shorter date range, or raise max_file_mb under [import] in "
        "the settings.")


@dataclass
class RawTable:
    """The cells of one sheet or CSV below its header row, all as text ('' when empty)."""
    file_name: str
    headers: list[str]           # unique display names: `Date`, `Date (2)`
    original_headers: list[str]  # as the file wrote them, for matching aliases
    cells: pd.DataFrame          # columns 0..n-1, dtype str, no NaN
    row_numbers: pd.Series       # the file's own row number of each data row
    sheet: str | None = None
    notes: list[str] = field(default_factory=list)
    short_rows: pd.Series | None = None  # fields in rows shorter than the header, else NaN


def read_table(path: str | Path, header_score: Callable[[list[str]], int],
               data: bytes | None = None, file_name: str | None = None,
               limits: Limits = Limits()) -> RawTable:
    """Read the best-matching table of a file. ``header_score`` rates a candidate header
    row (how many cells are known column names), which is how title lines are skipped and
    the right sheet of a workbook is found."""
    path = Path(path)
    name = file_name or path.name
    if data is None:
        try:
            size = path.stat().st_size
            if size > limits.max_bytes:  # refused before a byte is read into memory
                raise _too_big(name, size, limits)
            data = path.read_bytes()
        except OSError as exc:
            raise ImportRefused(f"{name}: the file cannot be opened ({exc.strerror}); "
                                "check the path and that you may read it.") from None
    if len(data) > limits.max_bytes:
        raise _too_big(name, len(data), limits)
    if not data.strip():
        raise ImportRefused(f"{name}: the file is empty; export it again from your PSA.")
    if is_xml_spreadsheet(data):  # Freshdesk's ".xls" and other old report writers
        grid_by_sheet = _xml_spreadsheet_grids(data, name, limits)
    elif name.lower().endswith(EXCEL_SUFFIXES) or data[:4] == b"PK\x03\x04" \
            or data[:8] == _OLE_MAGIC:
        grid_by_sheet = _excel_grids(data, name, limits)
    else:
        if data.count(b"\n") > limits.max_rows + HEADER_SCAN_ROWS:
            raise ImportRefused(f"{name}: the file has more than {limits.max_rows:,} rows; "
                                "export a shorter date range, or raise max_rows under "
                                "[import] in the settings.")
        grid_by_sheet = {None: _csv_grid(data, name)}

    best = None
    for sheet, grid in grid_by_sheet.items():
        header_at, score = _find_header(grid, header_score)
        if header_at is not None and (best is None or score > best[2]):
            best = (sheet, grid, score, header_at)
    if best is None:
        raise ImportRefused(f"{name}: no header row found in the first {HEADER_SCAN_ROWS} "
                            "rows; the file needs one row of column names above the data.")
    sheet, grid, _, header_at = best
    return _table_below_header(grid, header_at, name, sheet)


# ---------------------------------------------------------------------------- CSV
def decode(data: bytes, name: str) -> str:
    if b"\x00" in data[:4096]:
        if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
            return data.decode("utf-16")
        raise ImportRefused(f"{name}: this is not a text CSV file (it holds binary data); "
                            "export the report as CSV or Excel and import that.")
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="replace")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        # Excel on Windows saves "CSV" in the ANSI code page; cp1252 leaves five bytes
        # undefined, which latin-1 then keeps rather than losing the row.
        try:
            return data.decode("cp1252")
        except UnicodeDecodeError:
            return data.decode("latin-1")


def sniff_delimiter(lines: list[str]) -> str:
    """The delimiter that splits the most lines into the same, largest number of fields."""
    best, best_score = ",", -1
    for delim in DELIMITERS:
        counts = [len(row) for row in csv.reader(lines, delimiter=delim)]
        counts = [c for c in counts if c > 1]
        if not counts:
            continue
        common = max(set(counts), key=counts.count)
        score = counts.count(common) * common
        if score > best_score:
            best, best_score = delim, score
    return best


def _csv_grid(data: bytes, name: str) -> pd.DataFrame:
    text = decode(data, name)
    head = text[:65536].splitlines()[:HEADER_SCAN_ROWS + 20]
    delim = sniff_delimiter(head)
    grid = _arrow_grid(text, delim, head)
    if grid is not None:
        return grid
    # Everything else (a title line, a totals line, a row cut short): the csv module keeps
    # every record with its own number of fields, so each can be judged on its own.
    try:
        rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=delim))
    except csv.Error as exc:
        raise ImportRefused(f"{name}: the file cannot be read as CSV ({exc}); export "
                            "it again as CSV or Excel.") from None
    if not rows:
        raise ImportRefused(f"{name}: the file is empty; export it again from your PSA.")
    width = max(len(r) for r in rows)
    grid = pd.DataFrame([r + [""] * (width - len(r)) for r in rows], dtype=str)
    grid.attrs["fields"] = pd.Series([len(r) for r in rows], index=grid.index)
    return grid


def _arrow_grid(text: str, delim: str, head: list[str]) -> pd.DataFrame | None:
    """The fast path for a plain CSV (header on the first line, every row as wide): Arrow's
    multi-threaded reader, all cells as text. None for anything else (a title line, a
    ragged or blank row), which the slower readers below handle row by row."""
    import pyarrow as pa
    import pyarrow.csv as pacsv

    widths = [len(r) for r in csv.reader(head, delimiter=delim)] if head else []
    if not widths or widths[0] < 2 or widths[0] != max(widths):
        return None
    names = [str(i) for i in range(widths[0])]
    try:
        table = pacsv.read_csv(
            io.BytesIO(text.encode("utf-8")),
            read_options=pacsv.ReadOptions(column_names=names, block_size=1 << 24),
            parse_options=pacsv.ParseOptions(delimiter=delim, newlines_in_values=True,
                                             ignore_empty_lines=False),
            convert_options=pacsv.ConvertOptions(
                column_types={n: pa.string() for n in names}, strings_can_be_null=False,
                quoted_strings_can_be_null=False))
    except (pa.ArrowInvalid, ValueError):
        return None
    grid = table.to_pandas()
    grid.columns = range(len(names))
    return grid


# ---------------------------------------------------------------------------- Excel
def _excel_grids(data: bytes, name: str, limits: Limits = Limits()
                 ) -> dict[str | None, pd.DataFrame]:
    from python_calamine import CalamineWorkbook

    if data[:8] == _OLE_MAGIC and name.lower().endswith((".xlsx", ".xlsm")):
        raise ImportRefused(f"{name}: the workbook is password-protected; open it in Excel, "
                            "remove the password (or save an unprotected copy) and import "
                            "that.")
    if data[:4] == b"PK\x03\x04":
        try:
            archive = zipfile.ZipFile(io.BytesIO(data))
            inflated = sum(info.file_size for info in archive.infolist())
        except (zipfile.BadZipFile, EOFError, ValueError):
            raise ImportRefused(f"{name}: the workbook is damaged (not a complete Excel "
                                "file); save it again from Excel or re-export it.") from None
        # A zip bomb (or a truly huge workbook) is refused from its directory alone,
        # before anything is inflated.
        if inflated > limits.max_unzipped_bytes:
            raise ImportRefused(
                f"{name}: the workbook expands to {inflated / 2**20:,.0f} MB, over the "
                f"{limits.max_unzipped_bytes // 2**20:,} MB limit; export it as CSV or a "
                "shorter date range.")
        try:
            archive.testzip()
        except (zipfile.BadZipFile, EOFError, ValueError, OSError):
            raise ImportRefused(f"{name}: the workbook is damaged (not a complete Excel "
                                "file); save it again from Excel or re-export it.") from None
    try:
        book = CalamineWorkbook.from_filelike(io.BytesIO(data))
        grids = {}
        for sheet in book.sheet_names:
            rows = book.get_sheet_by_name(sheet).to_python(skip_empty_area=False)
            if len(rows) > limits.max_rows + HEADER_SCAN_ROWS:
                raise ImportRefused(f"{name}: sheet '{sheet}' has more than "
                                    f"{limits.max_rows:,} rows; export a shorter date range.")
            if rows:
                width = max(len(r) for r in rows)
                grids[sheet] = pd.DataFrame(
                    [[_cell_text(v) for v in r] + [""] * (width - len(r)) for r in rows],
                    dtype=str)
    except ImportRefused:
        raise
    except Exception:  # calamine raises its own types for every kind of broken file
        raise ImportRefused(f"{name}: this is not a readable Excel workbook; open it in "
                            "Excel and save it as .xlsx, or export the report as CSV.") \
            from None
    if not grids:
        raise ImportRefused(f"{name}: the workbook has no data in any sheet; "
                            "export the report again.")
    return grids


# ---------------------------------------------------------------------------- XML 2003
_SS = "urn:schemas-microsoft-com:office:spreadsheet"
_MAX_COLUMNS = 16_384   # Excel's own limit (column XFD)


def is_xml_spreadsheet(data: bytes) -> bool:
    """Excel's XML Spreadsheet 2003 format: an XML file whose root is an ss:Workbook.
    Freshdesk's native ".xls" export is one; calamine doesn't read it."""
    head = data[:4096]
    return head.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"<") and _SS.encode() in head


class _DocumentType(Exception):
    pass


def _xml_spreadsheet_grids(data: bytes, name: str, limits: Limits = Limits()
                           ) -> dict[str | None, pd.DataFrame]:
    """Every worksheet of an XML Spreadsheet 2003 file as a grid of text cells, read by
    the standard library's expat parser with plain handlers (no element tree is built,
    so memory follows the cells, not the XML). ``ss:Index`` skips cells and rows and
    ``ss:MergeAcross`` spans columns, as Excel writes them; a cell's comment is not its
    value; DateTime cells become `YYYY-MM-DD HH:MM:SS` like the CSV export's dates.

    Namespaces are resolved once, from the root's declarations (files write the
    spreadsheet's tags as `ss:Row` or as plain `Row`), rather than by expat on every tag,
    which is the slower part of reading a big file."""
    from xml.parsers import expat

    parser = expat.ParserCreate()
    parser.buffer_text = True
    grids: dict[str | None, pd.DataFrame] = {}
    names: dict[str, str] = {}          # the file's spelling of a tag -> its local name
    index = merge = kind = sheet_name = ""
    sheet: str | None = None
    rows: list[list[str]] = []
    row: list[str] | None = None
    text: list[str] | None = None       # the open Data element's text, else None
    value, value_type, span, col, comments = "", "String", 0, 0, 0

    def beyond(what: str, number: int, limit: int) -> ImportRefused:
        # ss:Index="99999999" would otherwise pad a row or sheet until memory runs out
        return ImportRefused(f"{name}: the XML spreadsheet is damaged ({what} {number:,} is "
                             f"past the {limit:,} a sheet can hold); export it again.")

    def refuse_doctype(*_):
        # A document type can declare entities that expand without end; the format
        # never has one, so a file that does is refused rather than parsed.
        raise _DocumentType

    def root(tag, attrs):
        nonlocal index, merge, kind, sheet_name
        prefixes = [k.partition(":")[2] for k, v in attrs.items()
                    if k.partition(":")[0] == "xmlns" and v == _SS]
        for local in ("Workbook", "Worksheet", "Table", "Row", "Cell", "Data", "Comment"):
            names.update({f"{p}:{local}" if p else local: local for p in prefixes})
        # Attributes have no default namespace: they are always prefixed.
        attr = next((p for p in prefixes if p), "ss")
        index, merge, kind, sheet_name = (f"{attr}:Index", f"{attr}:MergeAcross",
                                          f"{attr}:Type", f"{attr}:Name")
        parser.StartElementHandler = start

    def start(tag, attrs):
        nonlocal text, value, value_type, span, col, row, sheet, rows, comments
        local = names.get(tag)
        if local == "Cell":
            if row is not None:
                at = attrs.get(index) if attrs else None
                col = int(at) - 1 if at and at.isdigit() else len(row)
                merged = attrs.get(merge, "") if attrs else ""
                value, span = "", int(merged) if merged.isdigit() else 0
                if col + span >= _MAX_COLUMNS:
                    raise beyond("column", col + span + 1, _MAX_COLUMNS)
        elif local == "Data":
            if not comments:
                text = []
                value_type = attrs.get(kind, "String") if attrs else "String"
        elif local == "Row":
            at = attrs.get(index) if attrs else None
            if at and at.isdigit():
                if int(at) > limits.max_rows + HEADER_SCAN_ROWS:
                    raise beyond("row", int(at), limits.max_rows + HEADER_SCAN_ROWS)
                rows.extend([] for _ in range(int(at) - 1 - len(rows)))
            row = []
        elif local == "Comment":
            comments += 1
        elif local == "Worksheet":
            sheet, rows = attrs.get(sheet_name) or f"Sheet{len(grids) + 1}", []

    def end(tag):
        nonlocal text, value, row, rows, comments
        local = names.get(tag)
        if local == "Cell":
            if row is not None:
                if col > len(row):
                    row.extend([""] * (col - len(row)))
                row.append(value)
                if span:
                    row.extend([""] * span)
        elif local == "Data":
            if text is not None:
                value = "".join(text)
                if value_type != "String":
                    value = _xml_cell_text(value, value_type)
                text = None
        elif local == "Row":
            if row is not None:
                rows.append(row)
                row = None
                if len(rows) > limits.max_rows + HEADER_SCAN_ROWS:
                    raise ImportRefused(f"{name}: sheet '{sheet}' has more than "
                                        f"{limits.max_rows:,} rows; export a shorter "
                                        "date range.")
        elif local == "Comment":
            comments -= 1
        elif local == "Worksheet":
            width = max((len(r) for r in rows), default=0)
            if width:
                grids[sheet] = pd.DataFrame([r + [""] * (width - len(r)) for r in rows],
                                            dtype=str)
            rows = []

    def chars(chunk):
        if text is not None:
            text.append(chunk)

    parser.StartDoctypeDeclHandler = refuse_doctype
    parser.EntityDeclHandler = refuse_doctype
    parser.StartElementHandler, parser.EndElementHandler = root, end
    parser.CharacterDataHandler = chars
    try:
        for offset in range(0, len(data), 1 << 20):
            parser.Parse(data[offset:offset + (1 << 20)], False)
        parser.Parse(b"", True)
    except _DocumentType:
        raise ImportRefused(f"{name}: the XML spreadsheet declares a document type, which "
                            "exports never do; open it in Excel and save it as .xlsx.") \
            from None
    except expat.ExpatError as exc:
        raise ImportRefused(f"{name}: the XML spreadsheet is damaged "
                            f"({expat.errors.messages[exc.code]}, line {exc.lineno}); "
                            "export it again, or open it in Excel and save it as .xlsx.") \
            from None
    if not grids:
        raise ImportRefused(f"{name}: the workbook has no data in any sheet; "
                            "export the report again.")
    return grids


def _xml_cell_text(text: str, kind: str) -> str:
    if kind == "DateTime":  # 2026-03-02T09:15:00.000
        return re.sub(r"\.0+$", "", text.strip().replace("T", " ", 1))
    if kind == "Boolean":
        return {"1": "true", "0": "false"}.get(text.strip(), text)
    return text


def _cell_text(value: object) -> str:
    """Excel cells come typed; turn them into the text the same export as CSV would hold."""
    if value is None or value == "":
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, dt.time):
        return value.isoformat()
    if isinstance(value, dt.timedelta):  # a duration cell such as [h]:mm
        return f"{value.total_seconds() / 3600:.10g}"
    if isinstance(value, float):
        return f"{value:.15g}"
    return str(value)


# ---------------------------------------------------------------------------- header
def _find_header(grid: pd.DataFrame, header_score: Callable[[list[str]], int]
                 ) -> tuple[int | None, int]:
    """The row with the most known column names; failing that, the first row of two or
    more cells, so that an unknown export is still read and named by its columns."""
    best_at, best_score = None, -1
    for i in range(min(HEADER_SCAN_ROWS, len(grid))):
        row = [c.strip() for c in grid.iloc[i].tolist()]
        if sum(1 for c in row if c) < 2:
            continue
        score = header_score(row)
        if score > best_score:
            best_at, best_score = i, score
    return best_at, best_score


def _table_below_header(grid: pd.DataFrame, header_at: int, name: str,
                        sheet: str | None) -> RawTable:
    raw_headers = [c.strip() for c in grid.iloc[header_at].tolist()]
    # Trailing unnamed, empty columns are padding from ragged rows, not data.
    while raw_headers and not raw_headers[-1] and \
            not grid.iloc[header_at + 1:, len(raw_headers) - 1].str.strip().any():
        raw_headers.pop()
    headers = dedupe_headers(raw_headers)
    cells = grid.iloc[header_at + 1:, :len(headers)].copy()
    cells.columns = range(len(headers))
    row_numbers = pd.Series(range(header_at + 2, header_at + 2 + len(cells)),
                            index=cells.index)
    notes = []
    stripped = {i: cells[i].str.strip() for i in cells.columns}
    keep = pd.Series(False, index=cells.index)  # blank lines are layout, not data rows
    for col in stripped.values():
        keep |= col.ne("")
    # A header repeated mid-file (report pages) and a totals line are not data either.
    repeated = pd.Series(False, index=cells.index)
    candidates = stripped[0].eq(raw_headers[0]) if raw_headers[0] else repeated
    if candidates.any():
        matches = sum(stripped[i][candidates].eq(h) for i, h in enumerate(raw_headers))
        repeated[candidates] = matches >= max(2, len(headers) // 2)
    tail = _is_tail(keep)
    first_cell = _first_non_empty(pd.DataFrame({i: col[tail] for i, col in stripped.items()}))
    totals = pd.Series(False, index=cells.index)
    totals[tail] = first_cell.str.match(_TOTALS).astype(bool)
    for number in row_numbers[keep & totals]:
        notes.append(f"row {number} looks like a totals line and was skipped")
    if (keep & repeated).any():
        notes.append(f"{int((keep & repeated).sum())} repeated header row(s) skipped")
    keep &= ~repeated & ~totals
    fields = grid.attrs.get("fields")
    short = None
    if fields is not None:  # a row with fewer fields than the header: cut short
        counts = fields.iloc[header_at + 1:][keep]
        if (counts < len(headers)).any():
            short = counts.where(counts < len(headers)).reset_index(drop=True)
    return RawTable(name, headers, raw_headers, cells[keep].reset_index(drop=True),
                    row_numbers[keep].reset_index(drop=True), sheet, notes, short)


def _first_non_empty(stripped: pd.DataFrame) -> pd.Series:
    first = pd.Series("", index=stripped.index, dtype=str)
    for col in reversed(stripped.columns):
        first = stripped[col].where(stripped[col].ne(""), first)
    return first


def _is_tail(keep: pd.Series, lines: int = 3) -> pd.Series:
    """True for the last few non-blank rows: totals lines sit at the end of a report."""
    positions = keep[keep].index[-lines:]
    return pd.Series(keep.index.isin(positions), index=keep.index)


def dedupe_headers(headers: list[str]) -> list[str]:
    """Two columns called `Date` become `Date` and `Date (2)`; an unnamed one `Column 7`."""
    seen: dict[str, int] = {}
    out = []
    for i, header in enumerate(headers):
        header = header or f"Column {i + 1}"
        count = seen.get(header.lower(), 0) + 1
        seen[header.lower()] = count
        out.append(header if count == 1 else f"{header} ({count})")
    return out
