"""Generated inputs: whatever the cells hold, every data row is stored or rejected with a
reason, or the whole file is refused with one sentence; the store never half-changes."""
from __future__ import annotations

import csv
import io

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from loaders import store
from loaders.errors import ImportRefused
from loaders.importer import import_file, plan_file

HEADER = ["id", "summary", "client_name", "team", "priority_id", "dateoccurred",
          "dateclosed", "timetaken", "slastate"]
CELL = st.one_of(
    st.sampled_from(["", "?", "null", "N/A", "1900-01-01", "2026-03-04 09:15",
                     "03/04/2026 9:15 AM", "13/02/2026", "1:30", "1.5", "-2", "In",
                     "Out", "=HYPERLINK(\"x\")", "Priority 3", "0 Urgent"]),
    st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=12),
)
ROWS = st.lists(st.lists(CELL, min_size=len(HEADER), max_size=len(HEADER)),
                min_size=1, max_size=12)
FUZZ = settings(max_examples=150, deadline=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture,
                                       HealthCheck.too_slow])


def as_csv(rows, delimiter=",") -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter)
    writer.writerow(HEADER)
    writer.writerows(rows)
    return out.getvalue().encode("utf-8")


@FUZZ
@given(rows=ROWS, delimiter=st.sampled_from([",", ";", "\t"]))
def test_every_row_is_stored_or_rejected(tmp_path, rows, delimiter):
    data = as_csv(rows, delimiter)
    try:
        plan = plan_file(tmp_path / "f.csv", data=data, file_name="f.csv")
    except ImportRefused as refused:
        message = str(refused)
        assert message.startswith("f.csv") and "\n" not in message
        return
    assert len(plan.rows) + len(plan.rejected) == plan.rows_read
    assert plan.rejected["reason"].str.len().gt(0).all()
    assert set(plan.rejected["row_number"]).isdisjoint(plan.rows["_row"])


@FUZZ
@given(data=st.binary(max_size=400))
def test_any_bytes_are_imported_cleanly_or_refused(tmp_path, data):
    try:
        plan = plan_file(tmp_path / "b.csv", data=data, file_name="b.csv")
    except ImportRefused as refused:
        assert str(refused).startswith("b.csv")
        return
    assert len(plan.rows) + len(plan.rejected) == plan.rows_read


@settings(max_examples=25, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=ROWS)
def test_reimport_never_double_counts(tmp_path_factory, rows):
    folder = tmp_path_factory.mktemp("fz")
    path = folder / "f.csv"
    path.write_bytes(as_csv(rows))
    engine = store.connect(f"sqlite:///{folder / 'c.db'}")
    try:
        first = import_file(engine, path)
    except ImportRefused:
        assert store.table_counts(engine)["tickets"] == 0
        return
    counts = store.table_counts(engine)["tickets"]
    import_file(engine, path)
    assert store.table_counts(engine)["tickets"] == counts <= first.rows_stored
    engine.dispose()
